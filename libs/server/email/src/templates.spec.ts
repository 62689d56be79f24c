import { EmailTemplate, EmailTemplateError, renderEmail } from './templates';

describe('renderEmail', () => {
  it('renders the confirmation e-mail with its link in both parts', () => {
    const link = 'https://console.fleetgate.test/validation-account?email=ada%40example.test&token=abc';
    const email = renderEmail(EmailTemplate.AccountConfirmation, { name: 'Ada', link });
    expect(email.subject).toBe('Confirm your Fleetgate account');
    expect(email.text).toContain(`Hello Ada,`);
    expect(email.text).toContain(link);
    expect(email.html).toContain(`<a href="${link.replace(/&/g, '&#38;')}">`);
  });

  it('escapes values in the HTML part, so a name cannot inject markup', () => {
    const email = renderEmail(EmailTemplate.NamespaceInvitation, {
      namespace: 'acme',
      inviter: '<script>alert(1)</script>',
      link: 'https://console.fleetgate.test/accept-invite?sig=x',
    });
    expect(email.html).not.toContain('<script>');
    expect(email.html).toContain('&#60;script&#62;');
    expect(email.text).toContain('<script>alert(1)</script> invited you');
  });

  it('puts the code (and the account id when given) in MFA reset e-mails', () => {
    const email = renderEmail(EmailTemplate.MfaResetRecovery, { code: 'X7K2Q', user_id: 'u-1' });
    expect(email.text).toContain('X7K2Q');
    expect(email.text).toContain('recovery address');
    expect(email.text).toContain('Account id: u-1');
  });

  it('sends the address-change link to the new address and tells the old one where the change goes', () => {
    const link = 'https://console.fleetgate.test/confirm-email?token=abc';
    const confirmation = renderEmail(EmailTemplate.AddressChangeConfirmation, {
      name: 'Ada',
      link,
      field: 'e-mail address',
    });
    expect(confirmation.text).toContain(link);
    const notice = renderEmail(EmailTemplate.AddressChangeNotice, {
      name: 'Ada',
      field: 'e-mail address',
      address: 'new@example.test',
    });
    expect(notice.text).toContain('new@example.test');
    expect(notice.text).toMatch(/change your password/);
  });

  it('refuses an unknown template and names missing variables', () => {
    expect(() => renderEmail('welcome', {})).toThrow(
      new EmailTemplateError('unknown e-mail template "welcome"'),
    );
    expect(() => renderEmail('toString', {})).toThrow(EmailTemplateError);
    expect(() => renderEmail(EmailTemplate.PasswordRecovery, { name: 'Ada' })).toThrow(/needs link/);
  });
});
