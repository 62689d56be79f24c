import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import { fakeApi, json } from '../../../testing/fake-api';
import { renderPage, signedInAs } from '../../../testing/render-page';

// openapi-fetch keeps the fetch it finds when the client is created, so the stand-in must exist before the import.
const fetchMock = vi.hoisted(() => {
  const mock = vi.fn<typeof fetch>();
  globalThis.fetch = mock;
  return mock;
});

const { HostKeyChangedAlert, HostKeyChangedBadge } = await import('./host-key-changed');

const device = {
  uid: 'a'.repeat(64),
  name: 'kitchen-pi',
  host_key_changed: true,
  presented_host_key_fingerprint: 'SHA256:47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU',
} as Parameters<typeof HostKeyChangedAlert>[0]['device'];

describe('a changed device host key', () => {
  // A block, not an arrow returning the mock: vitest would call a returned function as the cleanup.
  beforeEach(() => {
    fetchMock.mockReset();
  });

  it('shows nothing while the key matches the pinned one', () => {
    signedInAs('owner');
    renderPage(
      <>
        <HostKeyChangedBadge device={{ host_key_changed: false }} />
        <HostKeyChangedAlert device={{ ...device, host_key_changed: false }} />
      </>,
    );
    expect(screen.queryByText(/host key changed/i)).toBeNull();
  });

  it('shows the presented key, and accepts exactly it after confirmation', async () => {
    signedInAs('administrator');
    const calls = fakeApi(fetchMock, { [`POST /api/devices/${device.uid}/host-key/accept`]: () => json({ ...device, host_key_changed: false }) });
    renderPage(<HostKeyChangedAlert device={device} />);
    expect(screen.getByTestId('presented-host-key').textContent).toBe(device.presented_host_key_fingerprint);
    fireEvent.click(screen.getByRole('button', { name: 'Accept the new host key' }));
    const dialog = await screen.findByRole('dialog');
    expect(within(dialog).getByText(device.presented_host_key_fingerprint as string)).toBeDefined();
    expect(calls).toHaveLength(0);
    fireEvent.click(within(dialog).getByRole('button', { name: 'Accept the new key' }));
    await waitFor(() => expect(calls.map((call) => `${call.method} ${call.path}`)).toEqual([`POST /api/devices/${device.uid}/host-key/accept`]));
  });

  it('offers no accept button to an operator, as the role matrix says', () => {
    signedInAs('operator');
    renderPage(<HostKeyChangedAlert device={device} />);
    expect(screen.getByText('Host key changed')).toBeDefined();
    expect(screen.queryByRole('button', { name: 'Accept the new host key' })).toBeNull();
    expect(screen.getByText(/An administrator or the owner can accept/)).toBeDefined();
  });
});
