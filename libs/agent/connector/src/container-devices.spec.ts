import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  containerChange,
  containerDeviceIdentity,
  type ContainerSummary,
  type EngineEvent,
  runningContainers,
} from './container-devices';

const fixture = (name: string) => readFileSync(join(__dirname, '__fixtures__', name), 'utf8');
/** `GET /containers/json?all=true` of a Docker 27 engine with two running containers and one exited. */
const recordedContainers = JSON.parse(fixture('containers-json.json')) as ContainerSummary[];
/** Lines of `GET /events` from the same engine. */
const recordedEvents = fixture('events.jsonl')
  .trim()
  .split('\n')
  .map((line) => JSON.parse(line) as EngineEvent);

describe('container devices', () => {
  it('turns each running container into a device of its own, and skips the others', () => {
    const devices = runningContainers(recordedContainers).map((container) =>
      containerDeviceIdentity(container, '0.1.0'),
    );
    expect(devices).toEqual([
      {
        mac: '8dfafdbc3a40',
        hostname: 'web',
        info: {
          id: 'docker',
          pretty_name: 'nginx:1.27',
          version: '0.1.0',
          arch: expect.any(String),
          platform: 'connector',
        },
      },
      {
        mac: '1f4e2c7d9b0a',
        hostname: 'telemetry_collector-1',
        info: {
          id: 'docker',
          pretty_name: expect.stringMatching(/^registry\.example\.com\/acme\/collector@sha256:/),
          version: '0.1.0',
          arch: expect.any(String),
          platform: 'connector',
        },
      },
    ]);
  });

  it('gives a container without a name its short id as its name', () => {
    const [web] = recordedContainers;
    expect(containerDeviceIdentity({ ...web, Names: [] }, '0.1.0').hostname).toBe('8dfafdbc3a40');
  });

  it('reads starts and deaths from the engine’s events and ignores the rest', () => {
    expect(recordedEvents.map(containerChange)).toEqual([
      { kind: 'started', id: 'c3d4e5f6a7b8c9d0e1f2a3b4c5d6e7f8091a2b3c4d5e6f708192a3b4c5d6e7f8' },
      null,
      null,
      { kind: 'stopped', id: '8dfafdbc3a40e4b1a8a8f0c5b8b0b5a8d6cde7f5a4f3d2e1c0b9a8f7e6d5c4b3' },
    ]);
  });
});
