import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import type Docker from 'dockerode';
import type { AgentConfig } from '@fleetgate/config';
import { createLogger } from '@fleetgate/logging';
import { ConnectorRunner } from './connector-runner';
import type { ContainerSummary } from './container-devices';

const fixture = (name: string) => readFileSync(join(__dirname, '__fixtures__', name), 'utf8');
const recordedContainers = JSON.parse(fixture('containers-json.json')) as ContainerSummary[];
const recordedEvents = fixture('events.jsonl').trim().split('\n');

/**
 * A stand-in for the engine's API as dockerode exposes it: the recorded container list, an event stream the test
 * writes the recorded events into, and `inspect` answers for started containers. The containers' agents point at
 * a closed port, so they only retry; what is checked is which containers are served.
 */
function fakeEngine() {
  const events = new PassThrough();
  const docker = {
    getEvents: async () => events,
    listContainers: async () => recordedContainers.filter((container) => container.State === 'running'),
    getContainer: (id: string) => ({
      id,
      inspect: async () => ({
        Id: id,
        Name: '/cache',
        Config: { Image: 'redis:7' },
        State: { Running: true },
      }),
      exec: async () => {
        throw new Error('no exec in this test');
      },
    }),
    modem: { demuxStream: () => undefined },
  };
  return { docker: docker as unknown as Docker, events };
}

const until = async (condition: () => boolean) => {
  for (let waited = 0; waited < 5000 && !condition(); waited += 20) {
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
};

describe('ConnectorRunner', () => {
  const keys = mkdtempSync(join(tmpdir(), 'fleetgate-connector-'));
  afterAll(() => rmSync(keys, { recursive: true, force: true }));

  it('serves the running containers, adds started ones and drops dead ones, as the engine’s events say', async () => {
    const { docker, events } = fakeEngine();
    const config = {
      serverAddress: 'http://127.0.0.1:1',
      tenantId: '00000000-0000-4000-8000-000000000000',
      privateKeyPath: join(keys, 'unused.key'),
      heartbeatIntervalSeconds: 30,
      log: { level: 'silent' },
      mode: 'connector',
      connector: { dockerSocket: '/nowhere.sock', keysDirectory: keys },
    } as AgentConfig;
    const runner = new ConnectorRunner({
      config,
      version: '0.1.0',
      logger: createLogger({ service: 'agent', level: 'silent' }),
      docker,
      keysDirectory: keys,
    });
    const running = runner.run();

    await until(() => runner.servedContainers().length === 2);
    expect(runner.servedContainers().sort()).toEqual(['1f4e2c7d9b0a', '8dfafdbc3a40']);

    for (const line of recordedEvents) events.write(`${line}\n`);
    await until(
      () =>
        runner.servedContainers().includes('c3d4e5f6a7b8') &&
        !runner.servedContainers().includes('8dfafdbc3a40'),
    );
    expect(runner.servedContainers().sort()).toEqual(['1f4e2c7d9b0a', 'c3d4e5f6a7b8']);

    runner.stop();
    await running;
    expect(runner.servedContainers()).toEqual([]);
  });
});
