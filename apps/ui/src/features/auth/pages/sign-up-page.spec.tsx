import { fireEvent, screen } from '@testing-library/react';
import { renderWithProviders } from '../../../testing/render-with-providers';

// openapi-fetch keeps the fetch it finds when the client is created, so the stand-in must exist before the import.
const fetchMock = vi.hoisted(() => {
  const mock = vi.fn<typeof fetch>();
  globalThis.fetch = mock;
  return mock;
});

const { SignUpPage } = await import('./sign-up-page');

function fill(label: string, value: string) {
  fireEvent.change(screen.getByLabelText(label, { exact: true }), { target: { value } });
}

function fillValidForm() {
  fill('Name', 'Ada');
  fill('Username', 'ada');
  fill('E-mail', 'ada@example.test');
  fill('Password', 'a long passphrase');
  fill('Confirm password', 'a long passphrase');
}

describe('the sign-up form', () => {
  beforeEach(() => fetchMock.mockReset());

  it('checks the fields before sending anything', async () => {
    renderWithProviders(<SignUpPage />, '/sign-up');
    fill('Username', 'a');
    fill('E-mail', 'not-an-address');
    fill('Password', 'short');
    fireEvent.click(screen.getByRole('button', { name: 'Create account' }));
    expect(await screen.findByText('an e-mail address, like name@example.com')).toBeDefined();
    expect(screen.getByText('3 to 30 letters, digits, dots, dashes or underscores')).toBeDefined();
    expect(screen.getByText('between 8 and 128 characters')).toBeDefined();
    expect(fetchMock).not.toHaveBeenCalled();
  });

  it("puts the API's refusal next to the field it names", async () => {
    fetchMock.mockResolvedValue(
      new Response(JSON.stringify(['username']), { status: 409, headers: { 'content-type': 'application/json' } }),
    );
    renderWithProviders(<SignUpPage />, '/sign-up');
    fillValidForm();
    fireEvent.click(screen.getByRole('button', { name: 'Create account' }));
    expect(await screen.findByText('this username is already taken')).toBeDefined();
    const username = screen.getByLabelText('Username', { exact: true });
    expect(username.getAttribute('aria-invalid')).toBe('true');
    expect(fetchMock).toHaveBeenCalledTimes(1);
  });
});
