import { generateKeyPairSync, randomUUID } from 'node:crypto';
import type { IngestRecordingChunkPayload } from '@fleetgate/contracts';
import { tenantScope } from '@fleetgate/data-access';
import { createLogger } from '@fleetgate/logging';
import { verifyRecordingChain } from './recording-chain';
import { type ChunkSink, GatewayRecorderFactory, type RecorderSettings, SessionRecording } from './session-recording';

const keys = generateKeyPairSync('rsa', {
  modulusLength: 2048,
  privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
  publicKeyEncoding: { type: 'spki', format: 'pem' },
});
const logger = createLogger({ service: 'session-recording-spec', level: 'silent' });
const settings: RecorderSettings = {
  batchFrames: 4,
  batchBytes: 1024,
  batchMs: 20,
  maxPendingBytes: 64 * 1024,
  stallMs: 5_000,
  signingIntervalMs: 30_000,
};
const sessionUid = 'cd'.repeat(32);

/** A sink that keeps what it got and can be held, as a Redis that does not answer. */
function heldSink() {
  const received: IngestRecordingChunkPayload[] = [];
  let release: (() => void) | undefined;
  let gate: Promise<void> = Promise.resolve();
  const sink: ChunkSink = {
    async enqueue(chunk) {
      await gate;
      received.push(chunk);
    },
  };
  return {
    sink,
    received,
    hold() {
      gate = new Promise((resolve) => (release = resolve));
    },
    release() {
      release?.();
    },
  };
}

function recorder(sink: ChunkSink, overrides: Partial<RecorderSettings> = {}, recordsInput = false, fail = jest.fn()) {
  return {
    fail,
    recording: new SessionRecording(
      { sessionUid, scope: tenantScope(randomUUID()), fail },
      recordsInput,
      sink,
      keys.privateKey,
      { ...settings, ...overrides },
      logger,
      Date.now,
    ),
  };
}

describe('SessionRecording (the gateway side of a recording)', () => {
  it('sends every frame once, in chained chunks whose last one is signed', async () => {
    const { sink, received } = heldSink();
    const { recording } = recorder(sink);
    const channel = recording.channel('shell', { cols: 80, rows: 24 })!;
    for (let index = 0; index < 10; index++) channel.output(Buffer.from(`line ${index}\r\n`));
    channel.resize(100, 30);
    recording.close();
    await recording.finished;

    // Three full chunks of four frames, then the (empty) last one that seals the recording.
    expect(received.map((chunk) => chunk.seq)).toEqual([0, 1, 2, 3]);
    const frames = received.flatMap((chunk) => chunk.frames);
    expect(frames.map(([, kind, data]) => `${kind}:${Buffer.from(data, 'base64').toString()}`)).toEqual([
      'r:80x24',
      ...Array.from({ length: 10 }, (_, index) => `o:line ${index}\r\n`),
      'r:100x30',
    ]);
    expect(received.at(-1)).toMatchObject({ last: true, signature: { algorithm: 'RS256' } });
    const report = await verifyRecordingChain(
      sessionUid,
      received.map((chunk) => ({ ...chunk, sessionUid })),
      received.flatMap((chunk) => (chunk.signature ? [{ seq: chunk.seq, hash: chunk.hash, signedAt: chunk.signature.signedAt, signature: chunk.signature.signature }] : [])),
      keys.publicKey,
    );
    expect(report).toEqual({ status: 'intact', chunks: 4, signed_through: 3 });
  });

  it('records input only where the namespace asks for it', async () => {
    for (const recordsInput of [false, true]) {
      const { sink, received } = heldSink();
      const { recording } = recorder(sink, {}, recordsInput);
      const channel = recording.channel('shell', null)!;
      channel.input(Buffer.from('secret\n'));
      channel.output(Buffer.from('ok\n'));
      recording.close();
      await recording.finished;
      const kinds = received.flatMap((chunk) => chunk.frames.map(([, kind]) => kind));
      expect(kinds).toEqual(recordsInput ? ['i', 'o'] : ['o']);
    }
  });

  it('makes the relay wait while Redis holds more than the bound, and lets go once it answers; nothing is dropped', async () => {
    const held = heldSink();
    const { recording } = recorder(held.sink, { maxPendingBytes: 4096, batchBytes: 1024 });
    const channel = recording.channel('shell', null)!;
    held.hold();
    const waits: Array<Promise<void> | void> = [];
    for (let index = 0; index < 8; index++) waits.push(channel.output(Buffer.alloc(1024, index)));
    // Under the bound the relay goes on; beyond it, it is told to wait.
    expect(waits.slice(0, 4).every((wait) => wait === undefined)).toBe(true);
    expect(waits.slice(4).every((wait) => wait instanceof Promise)).toBe(true);
    let resumed = false;
    void Promise.all(waits).then(() => (resumed = true));
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(resumed).toBe(false);
    held.release();
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(resumed).toBe(true);
    recording.close();
    await recording.finished;
    const bytes = held.received.flatMap((chunk) => chunk.frames).map(([, , data]) => Buffer.from(data, 'base64'));
    expect(Buffer.concat(bytes)).toEqual(Buffer.concat(Array.from({ length: 8 }, (_, index) => Buffer.alloc(1024, index))));
  });

  it('ends the session with a message when Redis does not answer within the stall limit, and still sends what it took', async () => {
    const held = heldSink();
    const fail = jest.fn();
    const { recording } = recorder(held.sink, { stallMs: 100 }, false, fail);
    const channel = recording.channel('shell', null)!;
    held.hold();
    channel.output(Buffer.from('before the outage'));
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(fail).toHaveBeenCalledWith(expect.stringMatching(/recording store is not answering.*Nothing recorded so far is lost/));
    held.release();
    recording.close();
    await recording.finished;
    expect(held.received.flatMap((chunk) => chunk.frames).map(([, , data]) => Buffer.from(data, 'base64').toString())).toEqual([
      'before the outage',
    ]);
  });

  it('records shells and commands with a terminal, not sftp or commands without one (scp, pipelines)', () => {
    const { sink } = heldSink();
    const { recording } = recorder(sink);
    expect(recording.channel('subsystem', null)).toBeNull();
    expect(recording.channel('exec', null)).toBeNull();
    expect(recording.channel('exec', { cols: 80, rows: 24 })).not.toBeNull();
    expect(recording.channel('shell', null)).not.toBeNull();
    recording.close();
  });

  it('records nothing for a namespace with session_record off, and starts only where it is on', async () => {
    const scope = tenantScope(randomUUID());
    const settingsOf = (session_record: boolean) => ({
      findOne: async () => ({ settings: { session_record, connection_announcement: '' } }) as never,
    });
    const { sink } = heldSink();
    const off = new GatewayRecorderFactory(settingsOf(false), sink, keys.privateKey, settings, logger);
    const on = new GatewayRecorderFactory(settingsOf(true), sink, keys.privateKey, settings, logger);
    await expect(off.open({ sessionUid, scope, fail: jest.fn() })).resolves.toBeNull();
    const started = await on.open({ sessionUid, scope, fail: jest.fn() });
    expect(started).toBeInstanceOf(SessionRecording);
    started?.close();
  });
});
