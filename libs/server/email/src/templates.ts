/** An e-mail ready to send. */
export interface RenderedEmail {
  subject: string;
  text: string;
  html: string;
}

/** A job that names no known template, or lacks a value its template needs: retrying would fail the same way. */
export class EmailTemplateError extends Error {
  override readonly name = 'EmailTemplateError';
}

interface Template {
  /** Variables the template cannot do without. */
  requires: readonly string[];
  subject: (values: Record<string, string>) => string;
  /** Paragraphs of the body; a value written `{link}` becomes a link in the HTML part. */
  paragraphs: (values: Record<string, string>) => string[];
}

export const EmailTemplate = {
  NamespaceInvitation: 'namespace-invitation',
  AccountConfirmation: 'account-confirmation',
  PasswordRecovery: 'password-recovery',
  MfaResetMain: 'mfa-reset-main',
  MfaResetRecovery: 'mfa-reset-recovery',
  AddressChangeConfirmation: 'address-change-confirmation',
  AddressChangeNotice: 'address-change-notice',
} as const;

const LINK = '\u0000link\u0000';

const mfaReset = (which: string): Template => ({
  requires: ['code'],
  subject: () => 'Your Fleetgate MFA reset code',
  paragraphs: (values) => [
    `Someone asked to turn off two-factor authentication on your Fleetgate account. This is the code sent to your ${which} address:`,
    values['code'] ?? '',
    'Both codes are needed, this one and the one sent to your other address; they work for one day.',
    ...(values['user_id'] ? [`Account id: ${values['user_id']}`] : []),
    'If you did not ask for this, ignore this e-mail: nothing changes without both codes.',
  ],
});

const templates: Record<string, Template> = {
  [EmailTemplate.NamespaceInvitation]: {
    requires: ['namespace', 'inviter', 'link'],
    subject: (values) => `${values['inviter']} invited you to ${values['namespace']} on Fleetgate`,
    paragraphs: (values) => [
      `${values['inviter']} invited you to join the namespace ${values['namespace']} on Fleetgate.`,
      `Accept the invitation: ${LINK}`,
      'The link works for seven days.',
    ],
  },
  [EmailTemplate.AccountConfirmation]: {
    requires: ['name', 'link'],
    subject: () => 'Confirm your Fleetgate account',
    paragraphs: (values) => [
      `Hello ${values['name']},`,
      `Confirm your e-mail address to start using Fleetgate: ${LINK}`,
      'The link works for one day. If you did not sign up, ignore this e-mail.',
    ],
  },
  [EmailTemplate.PasswordRecovery]: {
    requires: ['name', 'link'],
    subject: () => 'Reset your Fleetgate password',
    paragraphs: (values) => [
      `Hello ${values['name']},`,
      `Choose a new password here: ${LINK}`,
      'The link works once, for one day. If you did not ask for this, ignore this e-mail: your password stays as it is.',
    ],
  },
  [EmailTemplate.AddressChangeConfirmation]: {
    requires: ['name', 'link', 'field'],
    subject: () => 'Confirm your new Fleetgate e-mail address',
    paragraphs: (values) => [
      `Hello ${values['name']},`,
      `Confirm this address as the ${values['field']} of your Fleetgate account: ${LINK}`,
      'Nothing changes until you open the link; it works once, for one day. If you did not ask for this, ignore this e-mail.',
    ],
  },
  [EmailTemplate.AddressChangeNotice]: {
    requires: ['name', 'field', 'address'],
    subject: () => 'Your Fleetgate e-mail address is being changed',
    paragraphs: (values) => [
      `Hello ${values['name']},`,
      `Someone signed in to your Fleetgate account, gave its password and asked to change its ${values['field']} to ${values['address']}.`,
      'The change takes effect only once the link sent to that address is opened.',
      'If this was not you, change your password now: that also signs out every session.',
    ],
  },
  [EmailTemplate.MfaResetMain]: mfaReset('main'),
  [EmailTemplate.MfaResetRecovery]: mfaReset('recovery'),
};

const escapeHtml = (text: string) => text.replace(/[&<>"']/g, (character) => `&#${character.charCodeAt(0)};`);

/** The e-mail `template` makes of `variables`; unknown templates and missing variables are refused by name. */
export function renderEmail(template: string, variables: Record<string, string>): RenderedEmail {
  const definition = Object.prototype.hasOwnProperty.call(templates, template)
    ? templates[template]
    : undefined;
  if (!definition) throw new EmailTemplateError(`unknown e-mail template ${JSON.stringify(template)}`);
  const missing = definition.requires.filter(
    (name) => typeof variables[name] !== 'string' || variables[name] === '',
  );
  if (missing.length > 0) {
    throw new EmailTemplateError(`e-mail template ${template} needs ${missing.join(', ')}`);
  }
  const link = variables['link'] ?? '';
  const paragraphs = definition.paragraphs(variables);
  const text = paragraphs.map((paragraph) => paragraph.replace(LINK, link)).join('\n\n');
  const html = paragraphs
    .map((paragraph) => {
      const [before, after] = paragraph.split(LINK);
      const anchor = after === undefined ? '' : `<a href="${escapeHtml(link)}">${escapeHtml(link)}</a>`;
      return `<p>${escapeHtml(before ?? '')}${anchor}${escapeHtml(after ?? '')}</p>`;
    })
    .join('\n');
  return {
    subject: definition.subject(variables),
    text: `${text}\n`,
    html: `<!doctype html>\n<html><body>\n${html}\n</body></html>\n`,
  };
}
