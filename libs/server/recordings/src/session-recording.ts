import {
  type IngestRecordingChunkPayload,
  QueueName,
  type RecordingFrame,
  type RecordingFrameKind,
  RecordingJobName,
} from '@fleetgate/contracts';
import { NamespacesRepository } from '@fleetgate/data-access';
import type {
  ChannelRecording,
  SessionRecorder,
  SessionRecorderFactory,
  SessionRecordingRequest,
} from '@fleetgate/gateway';
import type { Logger } from '@fleetgate/logging';
import type { QueueProducer } from '@fleetgate/queue';
import { chunkHash, GENESIS_HASH, signHead } from './recording-chain';

export interface RecorderSettings {
  /** A chunk closes at this many frames… */
  batchFrames: number;
  /** …or this many bytes… */
  batchBytes: number;
  /** …or this long after its first frame. */
  batchMs: number;
  /** Bytes recorded but not yet in Redis, per session, beyond which the device is paused (backpressure). */
  maxPendingBytes: number;
  /** How long one chunk may wait for Redis before the session is ended with a message. */
  stallMs: number;
  /** The chain head is signed at the first chunk after this interval, and on the last chunk. */
  signingIntervalMs: number;
}

/** Where finished chunks go: the recordings queue, in production. Resolves once the chunk is safe in Redis. */
export interface ChunkSink {
  enqueue(chunk: IngestRecordingChunkPayload): Promise<void>;
}

/** The ingest job's id: the same chunk always gets the same id, so a second enqueue of it adds nothing. */
export function ingestJobId(sessionUid: string, seq: number): string {
  return `${sessionUid}-${seq}`;
}

/** Chunks as BullMQ jobs: bounded retries with backoff; finished jobs leave Redis at once (they carry the bytes). */
export function queueChunkSink(producer: QueueProducer): ChunkSink {
  return {
    async enqueue(chunk) {
      await producer.enqueue(QueueName.Recordings, RecordingJobName.IngestChunk, chunk, {
        jobId: ingestJobId(chunk.sessionUid, chunk.seq),
        attempts: 8,
        backoff: { type: 'exponential', delay: 1_000 },
        removeOnComplete: true,
        removeOnFail: { age: 7 * 24 * 3600 },
      });
    },
  };
}

/** A recorder factory the gateway drains on shutdown. */
export interface DrainableRecorderFactory extends SessionRecorderFactory {
  /** Closes every open recording and waits, at most `timeoutMs`, until their last chunks are in the sink. */
  drain(timeoutMs: number): Promise<void>;
}

/**
 * Starts a recorder for each session whose namespace has `session_record` on (and records input where
 * `session_record_input` is on too).
 */
export class GatewayRecorderFactory implements DrainableRecorderFactory {
  private readonly recordings = new Set<SessionRecording>();

  constructor(
    private readonly namespaces: Pick<NamespacesRepository, 'findOne'>,
    private readonly sink: ChunkSink,
    private readonly signingKeyPem: string,
    private readonly settings: RecorderSettings,
    private readonly logger: Logger,
    private readonly now: () => number = Date.now,
  ) {}

  async open(request: SessionRecordingRequest): Promise<SessionRecorder | null> {
    const namespace = await this.namespaces.findOne(request.scope, {});
    if (!namespace?.settings?.session_record) return null;
    const recording = new SessionRecording(
      request,
      Boolean(namespace.settings.session_record_input),
      this.sink,
      this.signingKeyPem,
      this.settings,
      this.logger.child({ session: request.sessionUid }),
      this.now,
    );
    this.recordings.add(recording);
    void recording.finished.then(() => this.recordings.delete(recording));
    return recording;
  }

  /** On shutdown, after the sessions ended: waits (at most `timeoutMs`) until their last chunks are in Redis. */
  async drain(timeoutMs: number): Promise<void> {
    for (const recording of this.recordings) recording.close();
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<void>((resolve) => (timer = setTimeout(resolve, timeoutMs)));
    await Promise.race([Promise.all([...this.recordings].map((recording) => recording.drained())), timeout]);
    clearTimeout(timer);
  }
}

/**
 * One session's recording at the gateway: gathers frames into chunks, chains and signs them, and hands them to the
 * sink one after the other. Never drops a frame: when the sink falls behind by `maxPendingBytes` the relay waits
 * (the device is paused through SSH flow control), and when one chunk waits `stallMs` the session is ended with a
 * message; the chunks already taken still reach Redis when it answers again.
 */
export class SessionRecording implements SessionRecorder {
  private frames: RecordingFrame[] = [];
  private frameBytes = 0;
  private seq = 0;
  private previousHash = GENESIS_HASH;
  private startedAt?: number;
  private lastSignedAt = 0;
  private pendingBytes = 0;
  private timer?: NodeJS.Timeout;
  private sending: Promise<void> = Promise.resolve();
  private waiters: Array<() => void> = [];
  private closed = false;
  private failed = false;
  private settle!: () => void;
  /** Settles when the recording is closed and its last chunk is in the sink. */
  readonly finished = new Promise<void>((resolve) => (this.settle = resolve));

  constructor(
    private readonly request: SessionRecordingRequest,
    private readonly recordsInput: boolean,
    private readonly sink: ChunkSink,
    private readonly signingKeyPem: string,
    private readonly settings: RecorderSettings,
    private readonly logger: Logger,
    private readonly now: () => number,
  ) {}

  channel(kind: 'shell' | 'exec' | 'subsystem', terminal: { cols: number; rows: number } | null): ChannelRecording | null {
    // What has a terminal is replayed: shells, and commands run with a pty (`ssh -t host top`). Subsystems (sftp)
    // and commands without a pty (scp, rsync, pipelines) carry files and data, not a screen.
    if (kind === 'subsystem' || (kind === 'exec' && !terminal) || this.closed) return null;
    if (terminal) this.add('r', Buffer.from(`${terminal.cols}x${terminal.rows}`));
    return {
      output: (data) => this.add('o', data),
      input: (data) => (this.recordsInput ? this.add('i', data) : undefined),
      resize: (cols, rows) => void this.add('r', Buffer.from(`${cols}x${rows}`)),
    };
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    if (this.seq > 0 || this.frames.length > 0) this.flush(true);
    for (const release of this.waiters.splice(0)) release();
    void this.sending.then(() => this.settle());
  }

  /** Settles once every chunk taken so far is in the sink (tests and shutdown wait on it). */
  drained(): Promise<void> {
    return this.sending;
  }

  private add(kind: RecordingFrameKind, data: Buffer): Promise<void> | undefined {
    if (this.closed || data.length === 0) return undefined;
    const time = this.now();
    this.startedAt ??= time;
    if (this.lastSignedAt === 0) this.lastSignedAt = time;
    this.frames.push([time, kind, data.toString('base64')]);
    this.frameBytes += data.length;
    this.pendingBytes += data.length;
    if (this.frames.length >= this.settings.batchFrames || this.frameBytes >= this.settings.batchBytes) this.flush(false);
    else this.timer ??= setTimeout(() => this.flush(false), this.settings.batchMs);
    if (this.pendingBytes <= this.settings.maxPendingBytes || this.failed) return undefined;
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  private flush(last: boolean): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    if (this.frames.length === 0 && !last) return;
    const frames = this.frames;
    const bytes = this.frameBytes;
    this.frames = [];
    this.frameBytes = 0;
    const seq = this.seq;
    const previousHash = this.previousHash;
    const sessionUid = this.request.sessionUid;
    const hash = chunkHash({ sessionUid, seq, previousHash, frames });
    const now = this.now();
    const payload: IngestRecordingChunkPayload = {
      tenantId: this.request.scope.tenantId,
      sessionUid,
      seq,
      sessionStartedAt: this.startedAt ?? now,
      frames,
      previousHash,
      hash,
      last,
    };
    if (last || now - this.lastSignedAt >= this.settings.signingIntervalMs) {
      payload.signature = {
        signedAt: now,
        algorithm: 'RS256',
        signature: signHead({ sessionUid, seq, hash, signedAt: now }, this.signingKeyPem),
      };
      this.lastSignedAt = now;
    }
    this.seq += 1;
    this.previousHash = hash;
    this.sending = this.sending.then(() => this.send(payload, bytes));
  }

  private async send(payload: IngestRecordingChunkPayload, bytes: number): Promise<void> {
    const stall = setTimeout(() => this.stalled(payload.seq), this.settings.stallMs);
    try {
      // The Redis connection retries forever and queues commands while Redis is away, so this waits, never fails
      // fast; the stall timer is what bounds the wait for the person.
      for (let attempt = 1; ; attempt++) {
        try {
          await this.sink.enqueue(payload);
          break;
        } catch (error) {
          this.logger.warn({ err: error, seq: payload.seq, attempt }, 'could not queue a recording chunk, retrying');
          await new Promise((resolve) => setTimeout(resolve, Math.min(5_000, 100 * 2 ** attempt)));
        }
      }
    } finally {
      clearTimeout(stall);
    }
    this.pendingBytes -= bytes;
    if (this.pendingBytes <= this.settings.maxPendingBytes / 2) for (const release of this.waiters.splice(0)) release();
  }

  private stalled(seq: number): void {
    if (this.failed) return;
    this.failed = true;
    this.logger.error({ event: 'recording-stalled', seq }, 'recording could not reach Redis in time; ending the session');
    for (const release of this.waiters.splice(0)) release();
    this.request.fail('Fleetgate: this session is recorded and the recording store is not answering, so the session was ended. Nothing recorded so far is lost.');
  }
}
