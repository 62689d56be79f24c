import { AppMetrics } from './app-metrics';

describe('AppMetrics', () => {
  it('reads gauges at each scrape, and times HTTP requests by route template', async () => {
    const metrics = new AppMetrics('spec');
    let tunnels = 3;
    metrics.gauge('fleetgate_spec_tunnels', 'Tunnels held', () => tunnels);
    metrics.observeHttp('GET', '/api/devices/:uid', 200, 0.02);
    metrics.observeHttp('GET', '/api/devices/:uid', 200, 0.2);

    const first = await metrics.text();
    expect(first.contentType).toMatch(/^text\/plain/);
    let body = first.body;
    expect(body).toMatch(/^fleetgate_spec_tunnels 3$/m);
    expect(body).toMatch(/^fleetgate_http_request_duration_seconds_count\{method="GET",route="\/api\/devices\/:uid",status="200"\} 2$/m);
    expect(body).toMatch(/^fleetgate_http_request_duration_seconds_bucket\{le="0.025",method="GET",route="\/api\/devices\/:uid",status="200"\} 1$/m);
    expect(body).toMatch(/^fleetgate_nodejs_eventloop_lag_p99_seconds [\d.e+-]+$/m);

    tunnels = 5;
    ({ body } = await metrics.text());
    expect(body).toMatch(/^fleetgate_spec_tunnels 5$/m);
  });

  it('keeps each app’s figures apart: two registries in one process do not collide', async () => {
    const first = new AppMetrics('one');
    const second = new AppMetrics('two');
    first.gauge('fleetgate_spec_sessions', 'Sessions', () => 1);
    second.gauge('fleetgate_spec_sessions', 'Sessions', () => 2);
    expect((await first.text()).body).toMatch(/^fleetgate_spec_sessions 1$/m);
    expect((await second.text()).body).toMatch(/^fleetgate_spec_sessions 2$/m);
  });
});
