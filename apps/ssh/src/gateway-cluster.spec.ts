import { gatewayProcessCount } from './gateway-cluster';
import { gatewayIndex, pickupHost, pickupUrl } from './server/pickup-address';

describe('gateway processes on one machine (docs/adr/0011-gateway-processes.md)', () => {
  it('runs one process per core with auto, else the number configured', () => {
    expect(gatewayProcessCount('auto', () => 8)).toBe(8);
    expect(gatewayProcessCount('auto', () => 0)).toBe(1);
    expect(gatewayProcessCount(3, () => 8)).toBe(3);
  });

  it('knows its index among the processes only as a worker of the cluster', () => {
    expect(gatewayIndex({ processIndex: 2 }, true)).toBe(2);
    expect(gatewayIndex({}, true)).toBe(0);
    expect(gatewayIndex({ processIndex: 2 }, false)).toBeUndefined();
  });

  it('tells agents the pickup address of this very process', () => {
    const http = { host: '127.0.0.1' };
    expect(pickupUrl({ http, pickup: {} }, 8081, true)).toBe('ws://127.0.0.1:8081');
    expect(pickupUrl({ http, pickup: { url: 'wss://gw-1.example/t' } }, 8081, true)).toBe('wss://gw-1.example/t');
    // A worker of several: its own port, whatever the single-process URL would be.
    expect(pickupUrl({ http, pickup: { host: 'gw-1' } }, 8091, false)).toBe('ws://gw-1:8091');
    expect(pickupHost({ http: { host: '::1' }, pickup: {} })).toBe('[::1]');
    expect(pickupHost({ http: { host: '0.0.0.0' }, pickup: {} })).not.toBe('0.0.0.0');
  });
});
