import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Queue, QueueEvents } from 'bullmq';
import IORedis, { Cluster } from 'ioredis';
import { bullQueueName, EmailJobName, QueueName } from '@fleetgate/contracts';
import { QueueProducer } from './queue-producer';
import { createQueueWorker } from './queue-worker';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Whether a TCP port on 127.0.0.1 can be listened on now. */
function portIsFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

/** A port whose cluster bus port (port + 10000) is free too, away from the shared Redis on 6379. */
async function clusterPort(taken: number[]): Promise<number> {
  for (let attempt = 0; attempt < 200; attempt++) {
    const port = 20_000 + Math.floor(Math.random() * 25_000);
    if (taken.includes(port) || taken.includes(port + 10_000) || taken.some((other) => other + 10_000 === port)) continue;
    if ((await portIsFree(port)) && (await portIsFree(port + 10_000))) return port;
  }
  throw new Error('no free port pair for a Redis Cluster node');
}

async function waitFor(what: string, check: () => Promise<boolean>, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check().catch(() => false))) {
    if (Date.now() > deadline) throw new Error(`${what}: not within ${timeoutMs} ms`);
    await sleep(100);
  }
}

/**
 * BullMQ on a real three-node Redis Cluster, started here from Debian's redis-server on free ports and stopped at the
 * end (never the shared server). Every queue name is a hash tag (`bullQueueName`), so each queue's keys share a slot
 * (docs/queues.md).
 */
describe('queues on a real three-node Redis Cluster', () => {
  const nodes: ChildProcess[] = [];
  const ports: number[] = [];
  let directory: string;
  let cluster: Cluster;
  const prefix = `fleetgate-cluster-test-${process.pid}`;

  beforeAll(async () => {
    directory = await mkdtemp(join(tmpdir(), 'fleetgate-redis-cluster-'));
    for (let index = 0; index < 3; index++) ports.push(await clusterPort(ports));
    for (const port of ports) {
      const node = spawn(
        'redis-server',
        [
          '--port', String(port), '--bind', '127.0.0.1', '--cluster-enabled', 'yes',
          '--cluster-config-file', join(directory, `nodes-${port}.conf`), '--dir', directory,
          '--save', '', '--appendonly', 'no', '--maxmemory-policy', 'noeviction', '--daemonize', 'no',
        ],
        { stdio: 'ignore' },
      );
      nodes.push(node);
    }
    for (const port of ports) {
      await waitFor(`redis-server on ${port}`, async () => {
        const client = new IORedis(port, '127.0.0.1', { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
        try {
          await client.connect();
          return (await client.ping()) === 'PONG';
        } finally {
          client.disconnect();
        }
      });
    }
    const created = spawnSync(
      'redis-cli',
      ['--cluster', 'create', ...ports.map((port) => `127.0.0.1:${port}`), '--cluster-replicas', '0', '--cluster-yes'],
      { encoding: 'utf8', timeout: 30_000 },
    );
    if (created.status !== 0) throw new Error(`redis-cli --cluster create failed: ${created.stdout}${created.stderr}`);
    cluster = new Cluster(
      ports.map((port) => ({ host: '127.0.0.1', port })),
      { redisOptions: { maxRetriesPerRequest: null } },
    );
    await waitFor('the cluster to be ready', async () => (await cluster.cluster('INFO')).includes('cluster_state:ok'));
  }, 60_000);

  afterAll(async () => {
    cluster?.disconnect();
    for (const node of nodes) node.kill('SIGKILL');
    await Promise.all(nodes.map((node) => (node.exitCode === null && node.signalCode === null ? new Promise((resolve) => node.once('exit', resolve)) : null)));
    await rm(directory, { recursive: true, force: true });
  });

  it('delivers a job of every queue from the producer to a worker', async () => {
    const producer = new QueueProducer(cluster, prefix);
    const received: string[] = [];
    const workers = Object.values(QueueName).map((queue) =>
      createQueueWorker(
        queue,
        async (job) => {
          received.push(`${queue}:${job.name}`);
          return 'done';
        },
        { connection: cluster, prefix, concurrency: 1 },
      ),
    );
    const eventConnections = Object.values(QueueName).map(() => cluster.duplicate());
    const events = Object.values(QueueName).map((queue, index) => new QueueEvents(bullQueueName(queue), { connection: eventConnections[index], prefix }));
    try {
      await Promise.all(events.map((queueEvents) => queueEvents.waitUntilReady()));
      // Through the typed producer, as the API enqueues e-mails.
      const emailId = await producer.enqueue(
        QueueName.Email,
        EmailJobName.Send,
        { template: 'welcome', to: 'ada@example.test', variables: { name: 'Ada' } },
        { jobId: 'check-email' },
      );
      const emailJob = await producer.queueFor(QueueName.Email).getJob(emailId);
      if (!emailJob) throw new Error('the e-mail job was not stored');
      await expect(emailJob.waitUntilFinished(events[Object.values(QueueName).indexOf(QueueName.Email)], 15_000)).resolves.toBe('done');
      // And one job on every other queue (only its delivery matters here, not its payload).
      for (const [index, queue] of Object.values(QueueName).entries()) {
        if (queue === QueueName.Email) continue;
        const job = await producer.queueFor(queue).add('cluster-check', { check: queue }, { jobId: `check-${queue}` });
        await expect(job.waitUntilFinished(events[index], 15_000)).resolves.toBe('done');
      }
      expect(received.sort()).toEqual(
        Object.values(QueueName).map((queue) => `${queue}:${queue === QueueName.Email ? EmailJobName.Send : 'cluster-check'}`).sort(),
      );
    } finally {
      await Promise.all(workers.map((worker) => worker.close()));
      await Promise.all(events.map((queueEvents) => queueEvents.close()));
      for (const connection of eventConnections) connection.disconnect();
      await producer.close();
    }
  }, 60_000);

  it('keeps every key of a queue on one node, and spreads the queues over the nodes', async () => {
    const homes = new Map<QueueName, Set<number>>();
    for (const queue of Object.values(QueueName)) {
      const home = new Set<number>();
      homes.set(queue, home);
      for (const port of ports) {
        const node = new IORedis(port, '127.0.0.1');
        try {
          if ((await node.keys(`${prefix}:{${queue}}:*`)).length > 0) home.add(port);
        } finally {
          node.disconnect();
        }
      }
    }
    for (const [queue, nodesOfQueue] of homes) expect({ queue, nodes: nodesOfQueue.size }).toEqual({ queue, nodes: 1 });
    const used = new Set([...homes.values()].flatMap((set) => [...set]));
    expect(used.size).toBeGreaterThan(1);
  });

  it('refuses a queue whose name is no hash tag: why the names carry one', async () => {
    const plain = new Queue('plain-name', { connection: cluster, prefix });
    plain.on('error', () => undefined);
    try {
      await expect(plain.add('job', {})).rejects.toThrow(/CROSSSLOT|same slot/);
    } finally {
      await plain.close();
    }
  });
});
