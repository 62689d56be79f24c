import { MantineProvider } from '@mantine/core';
import { fireEvent, render, screen, waitFor } from '@testing-library/react';
import { TerminalLoginForm } from './terminal-login-form';

// jsdom has neither matchMedia (Mantine's colour scheme) nor ResizeObserver (SegmentedControl's indicator).
beforeAll(() => {
  globalThis.ResizeObserver ??= class {
    observe = () => undefined;
    unobserve = () => undefined;
    disconnect = () => undefined;
  };
  Object.defineProperty(window, 'matchMedia', {
    writable: true,
    value: (query: string) => ({
      matches: false,
      media: query,
      onchange: null,
      addListener: () => undefined,
      removeListener: () => undefined,
      addEventListener: () => undefined,
      removeEventListener: () => undefined,
      dispatchEvent: () => false,
    }),
  });
});

const renderForm = (onLogin = vi.fn()) => {
  render(
    <MantineProvider>
      <TerminalLoginForm deviceName="kitchen-pi" onLogin={onLogin} />
    </MantineProvider>,
  );
  return onLogin;
};

describe('TerminalLoginForm', () => {
  it('checks the device user before connecting, and hands over a password login', () => {
    const onLogin = renderForm();
    fireEvent.change(screen.getByLabelText(/Device user/), { target: { value: 'pi@elsewhere' } });
    fireEvent.click(screen.getByRole('button', { name: 'Connect' }));
    expect(screen.getByText(/A device user name/)).toBeTruthy();
    expect(screen.getByText(/Enter the password/)).toBeTruthy();
    expect(onLogin).not.toHaveBeenCalled();

    fireEvent.change(screen.getByLabelText(/Device user/), { target: { value: 'pi' } });
    fireEvent.change(screen.getByLabelText(/^Password/, { selector: 'input[type="password"]' }), { target: { value: 'raspberry' } });
    fireEvent.click(screen.getByRole('button', { name: 'Connect' }));
    expect(onLogin).toHaveBeenCalledWith({ username: 'pi', method: 'password', password: 'raspberry' });
  });

  it('says why a pasted key cannot be used, next to the key', async () => {
    const onLogin = renderForm();
    fireEvent.click(screen.getByText('Private key'));
    fireEvent.change(screen.getByLabelText(/^Private key/, { selector: 'textarea' }), { target: { value: 'ssh-ed25519 AAAAC3Nz a public key' } });
    fireEvent.click(screen.getByRole('button', { name: 'Connect' }));
    await waitFor(() => expect(screen.getByText(/This is not a private key/)).toBeTruthy());
    expect(onLogin).not.toHaveBeenCalled();
  });
});
