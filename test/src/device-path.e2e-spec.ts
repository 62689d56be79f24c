import { createHash, randomBytes } from 'node:crypto';
import { createReadStream, readFileSync, writeFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer as createHttpServer } from 'node:http';
import { createServer, connect, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as pty from 'node-pty';
import { Client } from 'ssh2';
import { type AppProcess, childEnvironment, createTestContext, freePort, type TestContext } from '@fleetgate/testing';
import { askpassEnvironment, clientOptions, generateClientKey, runAsync, runSsh } from './support/openssh';
import { ensureLocalUser, ensureSupplementaryGroup, runningAsRoot } from './support/local-user';
import { eventually, type Platform, startAgent, startPlatform } from './support/platform';

const USER = 'fgtest';
const PASSWORD = 'device-password-42';
const describeAsRoot = runningAsRoot ? describe : describe.skip;
if (!runningAsRoot) {
  console.warn('device-path e2e skipped: creating a local test user and switching to it needs root');
}

interface DeviceJson {
  uid: string;
  name: string;
  status: string;
  online: boolean;
}

describeAsRoot('the device path, end to end with OpenSSH', () => {
  let context: TestContext;
  let scratch: string;
  let platform: Platform;
  let agent: AppProcess;
  let key: string;
  let target: string;
  const sha256 = (path: string) => new Promise<string>((resolve) => {
    const hash = createHash('sha256');
    createReadStream(path).on('data', (chunk) => hash.update(chunk)).on('end', () => resolve(hash.digest('hex')));
  });

  beforeAll(async () => {
    context = await createTestContext(__filename);
    scratch = await mkdtemp(join(tmpdir(), 'fleetgate-device-path-'));
    ensureLocalUser(USER, PASSWORD);
    ensureSupplementaryGroup(USER, 'fgextra');
    // Short liveness timers (production: 10 s pings, 3 missed) keep the liveness tests quick; the logic is the same.
    platform = await startPlatform(context, scratch, 'acme', { TUNNEL_PING_SECONDS: '1', TUNNEL_MISSED_PINGS: '3' });
    agent = await startAgent(platform, { keyPath: join(scratch, 'agent', 'agent.key'), hostname: 'kitchen-pi' });

    const device = await eventually(async () => {
      const list = await platform.api<DeviceJson[]>('GET', '/api/devices?status=pending');
      return list.body.find((entry) => entry.name === 'kitchen-pi');
    }, 20_000, 'the device to register');
    expect((await platform.api('PATCH', `/api/devices/${device.uid}/accept`)).status).toBe(200);

    key = generateClientKey(join(scratch, 'id_ed25519'));
    const publicLine = readFileSync(`${key}.pub`, 'utf8').trim();
    const created = await platform.api('POST', '/api/sshkeys/public-keys', {
      data: Buffer.from(publicLine).toString('base64'),
      filter: { hostname: '.*' },
      name: 'e2e key',
      username: '.*',
    });
    expect(created.status).toBe(200);
    target = `${USER}@${platform.namespace}.kitchen-pi@127.0.0.1`;
    await eventually(async () => (await platform.api<DeviceJson>('GET', `/api/devices/${device.uid}`)).body.online, 20_000, 'the device to be online');
  }, 120_000);

  afterAll(async () => {
    await agent?.stop('SIGTERM');
    await platform?.stop();
    await context?.close();
    await rm(scratch, { recursive: true, force: true });
  });

  const deviceUid = async () => {
    const devices = (await platform.api<DeviceJson[]>('GET', '/api/devices?per_page=100')).body;
    const device = devices.find((entry) => entry.name === 'kitchen-pi');
    if (!device) throw new Error('kitchen-pi is not registered');
    return device.uid;
  };
  const ssh = (...command: string[]) => runSsh([...clientOptions(platform.sshPort, key), target, ...command]);

  it('runs a command and returns its output', () => {
    const result = ssh('echo', 'hello');
    expect(result).toMatchObject({ status: 0, stdout: 'hello\n' });
  });

  it('returns the exit status', () => {
    expect(ssh('exit 3').status).toBe(3);
  });

  it('runs as the target user with their environment', () => {
    const result = ssh('id -un; echo $HOME; echo $SHELL; echo $USER');
    expect(result.stdout).toBe(`${USER}\n/home/${USER}\n/bin/bash\n${USER}\n`);
  });

  it('runs with the user’s supplementary groups', () => {
    expect(ssh('id -Gn').stdout.trim().split(' ')).toEqual(expect.arrayContaining([USER, 'fgextra']));
  });

  it('relays a command killed by a signal as exit-signal', async () => {
    const client = new Client();
    await new Promise<void>((resolve, reject) =>
      client
        .on('ready', () => resolve())
        .on('error', reject)
        .connect({ host: '127.0.0.1', port: platform.sshPort, username: `${USER}@${platform.namespace}.kitchen-pi`, privateKey: readFileSync(key) }),
    );
    try {
      const exit = await new Promise<unknown[]>((resolve, reject) =>
        client.exec('kill -TERM $$', (error, channel) => {
          if (error) return reject(error);
          channel.on('exit', (...args: unknown[]) => resolve(args));
          channel.resume();
        }),
      );
      // On the wire the signal is "TERM"; ssh2's client reports it with the SIG prefix.
      expect(exit.slice(0, 2)).toEqual([null, 'SIGTERM']);
    } finally {
      client.end();
    }
  });

  it('gives a real PTY and relays window changes', async () => {
    expect(runSsh([...clientOptions(platform.sshPort, key), '-tt', target, 'tty']).stdout).toMatch(/^\/dev\/pts\/\d+/);

    const terminal = pty.spawn('ssh', [...clientOptions(platform.sshPort, key), '-tt', target], {
      cols: 100,
      rows: 40,
      env: childEnvironment({ TERM: 'xterm' }) as Record<string, string>,
    });
    let screen = '';
    terminal.onData((data) => (screen += data));
    try {
      terminal.write('stty size; echo SIZE-DONE\r');
      await eventually(async () => /40 100[\s\S]*SIZE-DONE/.test(screen), 20_000, 'the first stty size');
      terminal.resize(120, 50);
      await new Promise((resolve) => setTimeout(resolve, 300));
      terminal.write('stty size; echo RESIZED\r');
      await eventually(async () => /50 120[\s\S]*RESIZED/.test(screen), 20_000, 'the resized stty size');
      terminal.write('exit\r');
    } finally {
      terminal.kill();
    }
  });

  it('copies 50 MB up and down with scp and with sftp, unchanged', async () => {
    const source = join(scratch, 'upload.bin');
    writeFileSync(source, randomBytes(50 * 1024 * 1024));
    const expected = await sha256(source);
    const scpOptions = clientOptions(platform.sshPort, key).map((option) => (option === '-p' ? '-P' : option));

    const up = await runAsync('scp', [...scpOptions, source, `${target}:/tmp/fleetgate-scp.bin`]);
    expect({ status: up.status, stderr: up.status === 0 ? "" : up.stderr }).toEqual({ status: 0, stderr: "" });
    const down = await runAsync('scp', [...scpOptions, `${target}:/tmp/fleetgate-scp.bin`, join(scratch, 'scp-down.bin')]);
    expect(down.status).toBe(0);
    expect(await sha256(join(scratch, 'scp-down.bin'))).toBe(expected);

    const batch = join(scratch, 'sftp-batch');
    writeFileSync(batch, `put ${source} /tmp/fleetgate-sftp.bin\nget /tmp/fleetgate-sftp.bin ${join(scratch, 'sftp-down.bin')}\n`);
    const sftp = await runAsync('sftp', [...scpOptions, '-b', batch, target]);
    expect(sftp.status).toBe(0);
    expect(await sha256(join(scratch, 'sftp-down.bin'))).toBe(expected);
    expect(ssh('sha256sum /tmp/fleetgate-sftp.bin /tmp/fleetgate-scp.bin; rm -f /tmp/fleetgate-sftp.bin /tmp/fleetgate-scp.bin').stdout).toBe(
      `${expected}  /tmp/fleetgate-sftp.bin\n${expected}  /tmp/fleetgate-scp.bin\n`,
    );
  }, 120_000);

  it('forwards a local port to a TCP server on the device side (ssh -L)', async () => {
    const echo: Server = createServer((socket) => socket.pipe(socket));
    const echoPort = await listen(echo);
    const localPort = await freePort();
    const forward = pty.spawn('ssh', [...clientOptions(platform.sshPort, key), '-N', '-L', `${localPort}:127.0.0.1:${echoPort}`, target], {
      env: childEnvironment() as Record<string, string>,
    });
    try {
      const reply = await eventually(() => roundTrip(localPort, 'ping through the tunnel\n').catch(() => null), 20_000, 'the forwarded port');
      expect(reply).toBe('ping through the tunnel\n');
    } finally {
      forward.kill();
      echo.close();
    }
  });

  it('serves dynamic forwarding (ssh -D) as a SOCKS proxy into the device side', async () => {
    const web = createHttpServer((_request, response) => response.end('hello from the device side'));
    const webPort = await listen(web as unknown as Server);
    const socksPort = await freePort();
    const forward = pty.spawn('ssh', [...clientOptions(platform.sshPort, key), '-N', '-D', `127.0.0.1:${socksPort}`, target], {
      env: childEnvironment() as Record<string, string>,
    });
    try {
      const page = await eventually(async () => {
        const result = await runAsync('curl', ['-s', '--max-time', '5', '--socks5', `127.0.0.1:${socksPort}`, `http://127.0.0.1:${webPort}/`]);
        return result.status === 0 ? result.stdout : null;
      }, 20_000, 'the SOCKS proxy');
      expect(page).toBe('hello from the device side');
    } finally {
      forward.kill();
      web.close();
    }
  });

  it('logs in with the device password, and refuses a wrong one', () => {
    const base = childEnvironment();
    const options = ['-p', String(platform.sshPort), '-o', 'StrictHostKeyChecking=no', '-o', 'UserKnownHostsFile=/dev/null', '-o', 'PreferredAuthentications=password', '-o', 'NumberOfPasswordPrompts=1'];
    const right = runSsh([...options, target, 'id -un'], { env: askpassEnvironment(scratch, PASSWORD, base) });
    expect(right).toMatchObject({ status: 0, stdout: `${USER}\n` });
    const wrong = runSsh([...options, target, 'id -un'], { env: askpassEnvironment(scratch, 'not-the-password', base) });
    expect(wrong.status).toBe(255);
    expect(wrong.stderr).toMatch(/Permission denied/);
  });

  it('refuses a key that is not registered in the namespace, saying why', () => {
    const stranger = generateClientKey(join(scratch, 'id_stranger'));
    const result = runSsh([...clientOptions(platform.sshPort, stranger), target, 'true']);
    expect(result.status).toBe(255);
    expect(result.stderr).toMatch(/Access denied/);
  });

  it('does not reach a pending device, and says it is pending', async () => {
    const registered = await fetch(`${platform.apiUrl}/api/devices/auth`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        info: { id: 'debian', pretty_name: 'Debian', version: '0.1.0', arch: 'amd64', platform: 'native' },
        identity: { mac: '02:00:00:00:00:99' },
        hostname: 'pending-pi',
        public_key: readFileSync(`${key}.pub`, 'utf8'),
        tenant_id: platform.tenantId,
      }),
    });
    expect(registered.status).toBe(200);
    const result = runSsh([...clientOptions(platform.sshPort, key), `${USER}@${platform.namespace}.pending-pi@127.0.0.1`, 'true']);
    expect(result.status).toBe(255);
    expect(result.stderr).toMatch(/pending, not accepted/);
  });

  it('tells an unknown device apart from an unknown namespace', () => {
    const noDevice = runSsh([...clientOptions(platform.sshPort, key), `${USER}@${platform.namespace}.nowhere@127.0.0.1`, 'true']);
    expect(noDevice.stderr).toMatch(/no device "nowhere"/);
    const noNamespace = runSsh([...clientOptions(platform.sshPort, key), `${USER}@nope.kitchen-pi@127.0.0.1`, 'true']);
    expect(noNamespace.stderr).toMatch(/no namespace "nope"/);
  });

  it('keeps keystrokes flowing in one session while another copies in bulk', async () => {
    const bulk = runAsync('ssh', [...clientOptions(platform.sshPort, key), target, 'head -c 300000000 /dev/zero'], { env: childEnvironment() });
    await new Promise((resolve) => setTimeout(resolve, 300));
    const started = Date.now();
    const timings: number[] = [];
    for (let round = 0; round < 5; round++) {
      const before = Date.now();
      expect(ssh('echo', `tick-${round}`).stdout).toBe(`tick-${round}\n`);
      timings.push(Date.now() - before);
    }
    const bulkResult = await bulk;
    expect(bulkResult.status).toBe(0);
    expect(Date.now() - started).toBeLessThan(60_000);
    // Each interactive round trip is a full login; it must not wait for the bulk copy to finish.
    expect(Math.max(...timings)).toBeLessThan(5_000);
  }, 120_000);

  it('applies the namespace’s firewall to every connection, first matching rule by priority', async () => {
    const rule = async (body: Record<string, unknown>) =>
      (await platform.api<{ id: string }>('POST', '/api/firewall/rules', { active: true, filter: { hostname: '.*' }, ...body })).body.id;
    const denied = () => {
      const result = ssh('true');
      return result.status === 255 && /Access denied by a firewall rule/.test(result.stderr);
    };
    const created: string[] = [];
    try {
      created.push(await rule({ action: 'deny', priority: 10, source_ip: '.*', username: `^${USER}$` }));
      expect(denied()).toBe(true);

      const allowLocal = await rule({ action: 'allow', priority: 5, source_ip: '^127\\.0\\.0\\.1$', username: '.*' });
      created.push(allowLocal);
      expect(ssh('echo', 'allowed').stdout).toBe('allowed\n');

      await platform.api('PUT', `/api/firewall/rules/${allowLocal}`, {
        action: 'allow', active: false, priority: 5, source_ip: '^127\\.0\\.0\\.1$', username: '.*', filter: { hostname: '.*' },
      });
      expect(denied()).toBe(true);

      await platform.api('DELETE', `/api/firewall/rules/${created.shift()}`);
      created.push(await rule({ action: 'deny', priority: 1, source_ip: '^127\\.', username: '.*', filter: { hostname: '^kitchen-' } }));
      expect(denied()).toBe(true);
    } finally {
      for (const id of created) await platform.api('DELETE', `/api/firewall/rules/${id}`);
    }
    expect(ssh('echo', 'open').stdout).toBe('open\n');
  });

  it('never shows a device offline while its tunnel is up, and shows it offline once its agent goes silent', async () => {
    const uid = await deviceUid();
    for (let check = 0; check < 8; check++) {
      expect((await platform.api<DeviceJson>('GET', `/api/devices/${uid}`)).body.online).toBe(true);
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
    // A frozen agent keeps its TCP connection open but answers nothing, like a device behind a dead NAT mapping.
    agent.child.kill('SIGSTOP');
    try {
      const stoppedAt = Date.now();
      await eventually(async () => !(await platform.api<DeviceJson>('GET', `/api/devices/${uid}`)).body.online, 15_000, 'offline');
      expect(Date.now() - stoppedAt).toBeLessThan(3_000 + 5_000);
    } finally {
      agent.child.kill('SIGCONT');
    }
    await eventually(async () => (await platform.api<DeviceJson>('GET', `/api/devices/${uid}`)).body.online, 20_000, 'online again');
    await eventually(async () => ssh('echo', 'resumed').status === 0, 20_000, 'the device to be reachable after resuming');
  }, 60_000);

  it('shows the offline message when the agent stops, and is reachable again after a restart', async () => {
    await agent.stop('SIGTERM');
    const offline = await eventually(async () => {
      const result = runSsh([...clientOptions(platform.sshPort, key), target, 'true']);
      return /is offline/.test(result.stderr) ? result : null;
    }, 20_000, 'the offline message');
    expect(offline.status).toBe(255);

    agent = await startAgent(platform, { keyPath: join(scratch, 'agent', 'agent.key'), hostname: 'kitchen-pi' });
    const back = await eventually(async () => {
      const result = ssh('echo', 'back');
      return result.status === 0 ? result : null;
    }, 30_000, 'the device to be reachable again');
    expect(back.stdout).toBe('back\n');
  }, 90_000);
});

function listen(server: Server): Promise<number> {
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve((server.address() as { port: number }).port)));
}

function roundTrip(port: number, message: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    let received = '';
    socket.on('data', (chunk) => {
      received += chunk.toString();
      if (received.length >= message.length) {
        socket.end();
        resolve(received);
      }
    });
    socket.on('error', reject);
    socket.write(message);
    setTimeout(() => reject(new Error('no echo')), 3_000).unref();
  });
}
