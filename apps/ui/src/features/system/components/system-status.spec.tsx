import { render, screen } from '@testing-library/react';
import { SystemStatus } from './system-status';

describe('SystemStatus', () => {
  it('shows each dependency with its state', async () => {
    const fetcher = async () =>
      new Response(
        JSON.stringify({ status: 'ok', service: 'api', version: '0.1.0', checks: { database: 'up', redis: 'down' } }),
      );
    render(<SystemStatus fetcher={fetcher as typeof fetch} />);
    expect(await screen.findByText('database: up')).toBeDefined();
    expect(screen.getByText('redis: down').getAttribute('data-state')).toBe('down');
    expect(screen.getByRole('heading').textContent).toContain('healthy');
  });

  it('says so when the API does not answer', async () => {
    const fetcher = async () => {
      throw new Error('connection refused');
    };
    render(<SystemStatus fetcher={fetcher as typeof fetch} />);
    expect((await screen.findByRole('alert')).textContent).toContain('connection refused');
  });
});
