import { fireEvent, screen, waitFor } from '@testing-library/react';
import { renderWithProviders } from '../../testing/render-with-providers';

// openapi-fetch keeps the fetch it finds when the client is created, so the stand-in must exist before the import.
const fetchMock = vi.hoisted(() => {
  const mock = vi.fn<typeof fetch>();
  globalThis.fetch = mock;
  return mock;
});

const { ChannelPolicyForm } = await import('./channel-policy-form');

const json = (body: unknown, status = 200) => new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });

function posted() {
  return fetchMock.mock.calls.map(([input]) => input as Request).find((request) => request.method === 'POST');
}

// Mantine forms render slowly in jsdom on a busy machine; 5 s (the default) is too tight.
describe('the channel policy form', { timeout: 30_000 }, () => {
  beforeEach(() => {
    fetchMock.mockReset();
    fetchMock.mockImplementation(async (input) => {
      const request = input as Request;
      if (request.method === 'POST') return json({ id: '507f1f77bcf86cd799439011', tenant_id: 't', ...(await request.clone().json()) });
      return json([]);
    });
  });

  it('sends an exec-only policy with its command patterns and forwarding destinations', async () => {
    const onDone = vi.fn();
    renderWithProviders(<ChannelPolicyForm nextPriority={3} onDone={onDone} />);
    fireEvent.change(screen.getByLabelText(/^Name/), { target: { value: 'read-only' } });
    for (const label of [/^Interactive shell/, /^SFTP/, /^Legacy scp/, /^Other subsystems/, /^Agent forwarding/]) {
      fireEvent.click(screen.getByRole('checkbox', { name: label }));
    }
    fireEvent.change(screen.getByLabelText(/^Allowed commands/), { target: { value: 'uptime\nsystemctl status [a-z-]{1,40}\n' } });
    fireEvent.change(screen.getByLabelText(/^Allowed forwarding destinations/), { target: { value: '10.0.0.0/8\ndb.internal:5432' } });
    fireEvent.click(screen.getByRole('button', { name: 'Add the policy' }));

    await waitFor(() => expect(onDone).toHaveBeenCalled());
    const body = await posted()?.json();
    expect(body).toMatchObject({ name: 'read-only', priority: 3, active: true, username: '', filter: { hostname: '.*' } });
    expect(body.channels).toMatchObject({
      shell: false,
      exec: true,
      exec_commands: ['uptime', 'systemctl status [a-z-]{1,40}'],
      sftp: false,
      scp: false,
      subsystem: false,
      agent_forwarding: false,
      local_forwarding: true,
      local_forwarding_destinations: [
        { selection: 'network', value: '10.0.0.0/8' },
        { selection: 'address', value: 'db.internal', port: 5432 },
      ],
    });
  });

  it('points at a destination it cannot read, and sends nothing', async () => {
    renderWithProviders(<ChannelPolicyForm nextPriority={1} onDone={vi.fn()} />);
    fireEvent.change(screen.getByLabelText(/^Name/), { target: { value: 'forwarding' } });
    fireEvent.change(screen.getByLabelText(/^Allowed forwarding destinations/), { target: { value: 'db.internal:postgres' } });
    fireEvent.click(screen.getByRole('button', { name: 'Add the policy' }));
    expect(await screen.findByText(/"db.internal:postgres": a port is a number/)).toBeDefined();
    expect(posted()).toBeUndefined();
  });
});
