import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client, type ClientChannel } from 'ssh2';
import { type AppProcess, createTestContext } from '@fleetgate/testing';
import { eventually, startAgent, startPlatform } from '../../test/src/support/platform';
import { numberSetting, percentile, Results, round, rssMegabytes } from '../support/results';

/**
 * Sessions at once (issue 14): SESSIONS interactive sessions (default 500, a shell with a terminal each) through one
 * gateway to SESSIONS_AGENTS real agent processes (default 5), held for SESSIONS_SECONDS (default 300) while each
 * session types a key every SESSIONS_TYPE_MS and waits for its echo. Counts the sessions that dropped, and samples
 * gateway and agent memory at the start and at the end. Runs as root (the agents log in as root, as in ssh-path).
 */
const SESSIONS = numberSetting('SESSIONS', 500);
const AGENTS = numberSetting('SESSIONS_AGENTS', 5);
const SECONDS = numberSetting('SESSIONS_SECONDS', 300);
const TYPE_MS = numberSetting('SESSIONS_TYPE_MS', 5_000);
/** Sessions opened at the same moment while the load ramps up (each costs a key exchange on both sides). */
const OPEN_BATCH = numberSetting('SESSIONS_OPEN_BATCH', 20);
/** An echo that takes longer than this counts as unanswered. */
const ECHO_TIMEOUT_MS = 10_000;

const nowMs = () => Number(process.hrtime.bigint() / 1000n) / 1000;

interface HeldSession {
  client: Client;
  stream?: ClientChannel;
  dropped?: string;
  awaiting?: number;
  typed: number;
  unanswered: number;
  /** When this session types its next key (ms, monotonic). */
  nextAt: number;
}

function openSession(port: number, username: string, privateKey: Buffer, latencies: number[]): Promise<HeldSession> {
  return new Promise((resolve, reject) => {
    const held: HeldSession = { client: new Client(), typed: 0, unanswered: 0, nextAt: 0 };
    let opened = false;
    const fail = (reason: string) => {
      if (!opened) reject(new Error(reason));
      else held.dropped ??= reason;
    };
    held.client
      .on('ready', () => {
        held.client.shell({ term: 'xterm', rows: 24, cols: 80 }, (error, stream) => {
          if (error) return fail(`shell refused: ${error.message}`);
          held.stream = stream;
          stream.on('data', () => {
            if (held.awaiting === undefined) return;
            latencies.push(nowMs() - held.awaiting);
            held.awaiting = undefined;
          });
          stream.stderr.on('data', () => undefined);
          stream.on('close', () => fail('the channel closed'));
          opened = true;
          resolve(held);
        });
      })
      .on('error', (error) => fail(error.message))
      .on('close', () => fail('the connection closed'))
      .connect({ host: '127.0.0.1', port, username, privateKey, readyTimeout: 60_000, keepaliveInterval: 15_000 });
  });
}

it(`${SESSIONS} interactive sessions at once for ${SECONDS} s`, async () => {
  const results = new Results('sessions', `Sessions at once: ${SESSIONS} interactive sessions for ${SECONDS} s`, {
    sessions: SESSIONS,
    agents: AGENTS,
    seconds: SECONDS,
    type_every_ms: TYPE_MS,
  });
  const print = (line: string) => process.stdout.write(`${line}\n`);
  const context = await createTestContext(__filename);
  const scratch = await mkdtemp(join(tmpdir(), 'fleetgate-bench-sessions-'));
  const platform = await startPlatform(context, scratch, 'bench', { LOG_LEVEL: 'warn' }, { LOG_LEVEL: 'warn' });
  const agents: AppProcess[] = [];
  const held: HeldSession[] = [];
  let typing: NodeJS.Timeout | undefined;
  try {
    print(`sessions benchmark: ${SESSIONS} sessions over ${AGENTS} agents, ${SECONDS} s, a key every ${TYPE_MS / 1000} s per session`);
    results.note('Database: FerretDB on SQLite. Clients: ssh2 in the benchmark process (500 OpenSSH processes would measure the machine, not the gateway).');
    for (let index = 0; index < AGENTS; index++) {
      agents.push(
        await startAgent(platform, { keyPath: join(scratch, `agent-${index}`, 'agent.key'), hostname: `bench-${index}`, env: { FLEETGATE_LOG_LEVEL: 'info' } }),
      );
    }
    const uids = await eventually(async () => {
      const list = await platform.api<{ uid: string; name: string }[]>('GET', '/api/devices?status=pending&per_page=100');
      return list.body.length >= AGENTS ? list.body.map((device) => device.uid) : undefined;
    }, 60_000, 'the agents to register');
    for (const uid of uids) {
      const accepted = await platform.api('PATCH', `/api/devices/${uid}/accept`);
      if (accepted.status !== 200) throw new Error(`accept: HTTP ${accepted.status}`);
    }
    const keyPath = join(scratch, 'id_ed25519');
    spawnSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', 'bench', '-f', keyPath]);
    const created = await platform.api('POST', '/api/sshkeys/public-keys', {
      data: Buffer.from(readFileSync(`${keyPath}.pub`, 'utf8').trim()).toString('base64'),
      filter: { hostname: '.*' },
      name: 'bench',
      username: '.*',
    });
    if (created.status !== 200) throw new Error(`public key: HTTP ${created.status}`);
    await eventually(async () => {
      const list = await platform.api<{ online: boolean }[]>('GET', '/api/devices?per_page=100');
      return list.body.filter((device) => device.online).length >= AGENTS;
    }, 60_000, 'the agents to be online');

    const privateKey = readFileSync(keyPath);
    const latencies: number[] = [];
    const openStarted = Date.now();
    let openFailures = 0;
    const failures = new Map<string, number>();
    for (let start = 0; start < SESSIONS; start += OPEN_BATCH) {
      const batch = Array.from({ length: Math.min(OPEN_BATCH, SESSIONS - start) }, (_, offset) =>
        openSession(platform.sshPort, `root@${platform.namespace}.bench-${(start + offset) % AGENTS}`, privateKey, latencies),
      );
      for (const outcome of await Promise.allSettled(batch)) {
        if (outcome.status === 'fulfilled') held.push(outcome.value);
        else {
          openFailures++;
          const reason = outcome.reason instanceof Error ? outcome.reason.message : String(outcome.reason);
          failures.set(reason, (failures.get(reason) ?? 0) + 1);
        }
      }
    }
    const openSeconds = (Date.now() - openStarted) / 1000;
    print(`opened ${held.length} of ${SESSIONS} sessions in ${openSeconds.toFixed(1)} s${openFailures ? `; failures: ${[...failures].map(([reason, count]) => `${count} × ${reason}`).join('; ')}` : ''}`);
    results.figure({ key: 'opened', name: 'sessions opened', value: held.length, unit: 'sessions', reference: SESSIONS, referenceName: 'asked for', goal: `all ${SESSIONS}`, met: held.length === SESSIONS });
    results.figure({ key: 'open_s', name: 'time to open them all', value: round(openSeconds), unit: 's' });

    // Let the shells start and their prompts arrive before memory is sampled.
    await new Promise((resolve) => setTimeout(resolve, Math.min(5_000, SECONDS * 250)));
    latencies.length = 0;
    const memory = () => ({
      gateway: rssMegabytes(platform.gateway.child.pid),
      agents: round(agents.reduce((sum, agent) => sum + rssMegabytes(agent.child.pid), 0)) ?? 0,
    });
    const atStart = memory();
    print(`memory at the start: gateway ${atStart.gateway} MB, agents ${atStart.agents} MB (${AGENTS} processes)`);

    // Each session types on its own phase, spread over the interval, alternating a key and a backspace so that the
    // shell's line stays short.
    const typingFrom = nowMs();
    held.forEach((session, index) => (session.nextAt = typingFrom + (index / held.length) * TYPE_MS));
    typing = setInterval(() => {
      const at = nowMs();
      for (const session of held) {
        if (session.dropped || !session.stream) continue;
        if (session.awaiting !== undefined && at - session.awaiting > ECHO_TIMEOUT_MS) {
          session.unanswered++;
          session.awaiting = undefined;
        }
        if (session.awaiting !== undefined || at < session.nextAt) continue;
        session.nextAt += TYPE_MS;
        session.awaiting = at;
        session.stream.write(session.typed++ % 2 === 0 ? 'x' : '\x7f');
      }
    }, 50);
    const progressEvery = Math.max(10, Math.floor(SECONDS / 5)) * 1000;
    const endAt = Date.now() + SECONDS * 1000;
    while (Date.now() < endAt) {
      await new Promise((resolve) => setTimeout(resolve, Math.min(progressEvery, endAt - Date.now())));
      const dropped = held.filter((session) => session.dropped).length;
      print(`  ... ${Math.round((SECONDS * 1000 - (endAt - Date.now())) / 1000)} s: ${held.length - dropped} sessions up, ${dropped} dropped, ${latencies.length} echoes`);
    }
    clearInterval(typing);
    const atEnd = memory();
    const dropped = held.filter((session) => session.dropped);
    const unanswered = held.reduce((sum, session) => sum + session.unanswered, 0);
    const typed = held.reduce((sum, session) => sum + session.typed, 0);
    print(`memory at the end: gateway ${atEnd.gateway} MB, agents ${atEnd.agents} MB`);
    print(
      `dropped sessions: ${dropped.length + openFailures} (goal: 0)${dropped.length ? `: ${[...new Set(dropped.map((session) => session.dropped))].join('; ')}` : ''}; ` +
        `${typed} keys typed, ${unanswered} unanswered within ${ECHO_TIMEOUT_MS / 1000} s; echo p50 ${round(percentile(latencies, 0.5), 2)} ms, p99 ${round(percentile(latencies, 0.99), 2)} ms`,
    );
    results.figure({ key: 'dropped', name: 'dropped sessions (failed to open or closed early)', value: dropped.length + openFailures, unit: 'sessions', goal: '0', met: dropped.length + openFailures === 0 });
    results.figure({ key: 'unanswered', name: `keys with no echo within ${ECHO_TIMEOUT_MS / 1000} s`, value: unanswered, unit: 'keys', reference: typed, referenceName: 'keys typed', goal: '0', met: unanswered === 0 });
    results.figure({ key: 'echo_p50_ms', name: 'keystroke echo p50 under this load', value: round(percentile(latencies, 0.5), 2), unit: 'ms' });
    results.figure({ key: 'echo_p99_ms', name: 'keystroke echo p99 under this load', value: round(percentile(latencies, 0.99), 2), unit: 'ms' });
    results.figure({ key: 'gateway_rss_start_mb', name: 'gateway memory at the start', value: atStart.gateway, unit: 'MB' });
    results.figure({ key: 'gateway_rss_end_mb', name: 'gateway memory at the end', value: atEnd.gateway, unit: 'MB', reference: atStart.gateway, referenceName: 'at the start', goal: 'flat: ratio ≤ 1.10', met: atEnd.gateway <= atStart.gateway * 1.1 });
    results.figure({ key: 'agents_rss_start_mb', name: `agents' memory at the start (${AGENTS} processes)`, value: atStart.agents, unit: 'MB' });
    results.figure({ key: 'agents_rss_end_mb', name: `agents' memory at the end (${AGENTS} processes)`, value: atEnd.agents, unit: 'MB', reference: atStart.agents, referenceName: 'at the start', goal: 'flat: ratio ≤ 1.10', met: atEnd.agents <= atStart.agents * 1.1 });
  } catch (error) {
    results.note(`stopped: ${error instanceof Error ? error.message : String(error)}`);
    throw error;
  } finally {
    if (typing) clearInterval(typing);
    for (const session of held) session.client.end();
    await Promise.all(agents.map((agent) => agent.stop('SIGTERM')));
    await platform.stop();
    await context.close();
    await rm(scratch, { recursive: true, force: true });
  }
});
