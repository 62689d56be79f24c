import { join } from 'node:path';
import { createInterface, type Interface } from 'node:readline';
import type { Readable } from 'node:stream';
import type Docker from 'dockerode';
import { AgentRunner, Backoff } from '@fleetgate/agent-device';
import type { AgentConfig } from '@fleetgate/config';
import type { Logger } from '@fleetgate/logging';
import {
  containerChange,
  containerDeviceIdentity,
  containerShortId,
  type ContainerSummary,
  type EngineEvent,
  runningContainers,
} from './container-devices';
import { ContainerSshServer } from './container-ssh-server';

export interface ConnectorRunnerOptions {
  config: AgentConfig;
  version: string;
  logger: Logger;
  docker: Docker;
  /** One device key per container, `<short id>.key`, kept so a restarted container stays the same device. */
  keysDirectory: string;
}

/**
 * Connector mode: every running container of the local Docker engine is a device of its own, with its own
 * registration and tunnel (ShellHub's connector). Containers that start are added and containers that die are
 * removed as the engine's events say; a lost engine connection is retried with backoff, and on reconnection the
 * running set is listed again so nothing that happened meanwhile is missed.
 */
export class ConnectorRunner {
  private readonly agents = new Map<string, AgentRunner>();
  private stopped = false;
  private events?: Readable;
  private lines?: Interface;
  private wake?: () => void;

  constructor(private readonly options: ConnectorRunnerOptions) {}

  async run(): Promise<void> {
    const { docker, logger } = this.options;
    const backoff = new Backoff();
    while (!this.stopped) {
      try {
        this.events = (await docker.getEvents({ filters: { type: ['container'] } })) as Readable;
        if (this.stopped) {
          this.events.destroy();
          break;
        }
        this.synchronise(runningContainers((await docker.listContainers()) as ContainerSummary[]));
        backoff.reset();
        this.lines = createInterface({ input: this.events });
        for await (const line of this.lines) {
          if (line.trim() !== '') await this.apply(JSON.parse(line) as EngineEvent);
        }
        logger.warn({ event: 'engine-events-ended' }, 'the Docker engine closed its event stream');
      } catch (error) {
        if (this.stopped) break;
        logger.warn(
          { event: 'engine-unreachable', err: error instanceof Error ? error.message : String(error) },
          'cannot reach the Docker engine',
        );
      }
      if (this.stopped) break;
      await this.sleep(backoff.next());
    }
    for (const id of [...this.agents.keys()]) this.remove(id);
  }

  stop(): void {
    this.stopped = true;
    // readline ends its loop on the stream's end, which a destroyed stream never emits: close it as well.
    this.lines?.close();
    this.events?.destroy();
    this.wake?.();
  }

  /** The containers served, by short id. */
  servedContainers(): string[] {
    return [...this.agents.keys()];
  }

  private synchronise(running: ContainerSummary[]): void {
    const wanted = new Set(running.map((container) => containerShortId(container.Id)));
    for (const id of [...this.agents.keys()]) if (!wanted.has(id)) this.remove(id);
    for (const container of running) this.add(container);
  }

  private async apply(event: EngineEvent): Promise<void> {
    const change = containerChange(event);
    if (!change) return;
    if (change.kind === 'stopped') return this.remove(containerShortId(change.id));
    const details = await this.options.docker.getContainer(change.id).inspect();
    if (!details.State.Running) return;
    this.add({ Id: details.Id, Names: [details.Name], Image: details.Config.Image, State: 'running' });
  }

  private add(container: ContainerSummary): void {
    const id = containerShortId(container.Id);
    if (this.agents.has(id)) return;
    const { config, version, docker, keysDirectory } = this.options;
    const logger = this.options.logger.child({ container: id });
    const engineContainer = docker.getContainer(container.Id);
    const agent = new AgentRunner(config, version, logger, {
      identity: containerDeviceIdentity(container, version),
      privateKeyPath: join(keysDirectory, `${id}.key`),
      createSessionServer: (server) =>
        new ContainerSshServer({
          ...server,
          container: engineContainer,
          demultiplex: (stream, stdout, stderr) => docker.modem.demuxStream(stream, stdout, stderr),
        }),
    });
    this.agents.set(id, agent);
    logger.info({ event: 'container-added', name: container.Names[0] }, 'serving container');
    void agent
      .run()
      .catch((error: unknown) =>
        logger.error(
          { event: 'container-agent-failed', err: error instanceof Error ? error.message : String(error) },
          'container agent failed',
        ),
      );
  }

  private remove(id: string): void {
    const agent = this.agents.get(id);
    if (!agent) return;
    agent.stop();
    this.agents.delete(id);
    this.options.logger.info({ event: 'container-removed', container: id }, 'container gone');
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(resolve, ms);
      this.wake = () => {
        clearTimeout(timer);
        resolve();
      };
    });
  }
}
