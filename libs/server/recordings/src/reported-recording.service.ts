import { Inject, Injectable } from '@nestjs/common';
import type { PlatformKeys } from '@fleetgate/auth';
import type { IngestRecordingChunkPayload, RecordingFrame } from '@fleetgate/contracts';
import {
  NamespacesRepository,
  REPORTED_SESSION_GATEWAY_ID,
  SessionsRepository,
  type TenantScope,
  tenantScope,
} from '@fleetgate/data-access';
import { AppException } from '@fleetgate/errors';
import { PLATFORM_KEYS } from '@fleetgate/identity';
import { parseTerminalSize } from './asciicast';
import { chunkHash, GENESIS_HASH, signHead } from './recording-chain';
import { RecordingIngestService } from './recording-ingest.service';
import { RecordingStore } from './recording-store';

/** `POST /api/sessions/{uid}/record`: ShellHub's `{uid, message, width, height}`, one read of the terminal. */
export interface ReportedFrame {
  /** The session again: ShellHub's body repeats it, and it must match. */
  uid: string;
  message: string;
  width: number;
  height: number;
}

export interface ReportedFrameOutcome {
  recorded: boolean;
  /** The chunk that holds the frame. */
  seq?: number;
  message: string;
}

/** What the next chunk of a recording builds on. */
interface RecordingHead {
  seq: number;
  hash: string;
  last: boolean;
  sessionStartedAt: number;
  /** `COLSxROWS` of the last size frame, if any. */
  size?: string;
}

/** Heads remembered between calls (the least recently written forgotten first): about 200 bytes each. */
const MAX_REMEMBERED_HEADS = 10_000;

/** Two requests of one session that race for the same next chunk: the loser reads the new head and tries again. */
const MAX_APPEND_ATTEMPTS = 8;

/**
 * Recordings of sessions that a platform service reported through the contract's internal routes (a gateway of
 * ShellHub's kind, which posts each terminal read as it happens). The API is where those bytes are seen, so it
 * chains them here: each request becomes one chunk, hashed on the previous one and signed with the platform key
 * (each request is the unit the reporter knows was stored), then stored through the worker's ingest path. The
 * contract has no "recording ended" call, so no chunk is marked last and verification says `incomplete`
 * (every chunk matched and signed) rather than `intact`.
 */
@Injectable()
export class ReportedRecordingService {
  /** Appends of one session inside this process, one after the other (other processes are caught by the retry). */
  private readonly tails = new Map<string, Promise<unknown>>();
  /** The head of each recording this process wrote last, so that a call costs no read of the chain. */
  private readonly heads = new Map<string, RecordingHead>();

  constructor(
    private readonly sessions: SessionsRepository,
    private readonly namespaces: NamespacesRepository,
    private readonly store: RecordingStore,
    private readonly ingest: RecordingIngestService,
    @Inject(PLATFORM_KEYS) private readonly keys: Pick<PlatformKeys, 'privateKeyPem'>,
  ) {}

  append(sessionUid: string, frame: ReportedFrame): Promise<ReportedFrameOutcome> {
    if (frame.uid !== sessionUid) {
      const problem = { field: 'uid', problems: ['must be the session in the path'] };
      return Promise.reject(AppException.validation(`uid: ${problem.problems[0]}`, { fields: [problem] }));
    }
    const previous = this.tails.get(sessionUid) ?? Promise.resolve();
    const next = previous.catch(() => undefined).then(() => this.appendNow(sessionUid, frame));
    this.tails.set(sessionUid, next);
    void next.catch(() => undefined).then(() => {
      if (this.tails.get(sessionUid) === next) this.tails.delete(sessionUid);
    });
    return next;
  }

  private async appendNow(sessionUid: string, frame: ReportedFrame): Promise<ReportedFrameOutcome> {
    const tenantId = await this.sessions.tenantOfUnscoped(sessionUid);
    if (!tenantId) throw AppException.notFound('session');
    const scope = tenantScope(tenantId);
    const session = await this.sessions.findByUid(scope, sessionUid);
    if (!session) throw AppException.notFound('session');
    // A session held by one of Fleetgate's gateways is recorded there, chunk numbers and all; a second writer
    // would take its sequence numbers and the gateway's chunks would be refused as duplicates.
    if (session.gateway_id !== REPORTED_SESSION_GATEWAY_ID) {
      throw AppException.conflict('this session is recorded by the Fleetgate gateway that holds it');
    }
    if (!session.active) throw AppException.conflict('the session has ended');
    const namespace = await this.namespaces.findOne(scope, {});
    if (!namespace?.settings?.session_record) {
      return { recorded: false, message: 'not recorded: the namespace does not record sessions' };
    }

    for (let attempt = 1; attempt <= MAX_APPEND_ATTEMPTS; attempt++) {
      // After a lost race the cached head is stale: read the stored one.
      const head = await this.head(scope, sessionUid, attempt > 1);
      if (head?.last) throw AppException.conflict('the recording of this session has ended');
      const time = Date.now();
      const frames: RecordingFrame[] = [];
      const size = `${frame.width}x${frame.height}`;
      if (head?.size !== size) frames.push([time, 'r', Buffer.from(size).toString('base64')]);
      const bytes = Buffer.from(frame.message, 'utf8');
      if (bytes.length > 0) frames.push([time, 'o', bytes.toString('base64')]);
      if (frames.length === 0) return { recorded: false, message: 'nothing new to record' };

      const seq = head ? head.seq + 1 : 0;
      const previousHash = head?.hash ?? GENESIS_HASH;
      const hash = chunkHash({ sessionUid, seq, previousHash, frames });
      const payload: IngestRecordingChunkPayload = {
        tenantId,
        sessionUid,
        seq,
        sessionStartedAt: head?.sessionStartedAt ?? new Date(session.started_at).getTime(),
        frames,
        previousHash,
        hash,
        last: false,
      };
      // The signature goes in only once this chunk won its seq: a racing writer's signature over another chunk
      // with the same seq would make the recording look tampered.
      const outcome = await this.ingest.ingest(payload);
      if (outcome.chunk === 'stored') {
        await this.store.putSignature(scope, sessionUid, {
          seq,
          hash,
          signedAt: time,
          signature: signHead({ sessionUid, seq, hash, signedAt: time }, this.keys.privateKeyPem),
          sessionStartedAt: payload.sessionStartedAt,
        });
        this.remember(sessionUid, { seq, hash, size, sessionStartedAt: payload.sessionStartedAt, last: false });
        return { recorded: true, seq, message: 'recorded' };
      }
      this.heads.delete(sessionUid);
      // Another API process stored chunk `seq` first: build on its chunk instead; nothing of this frame is lost.
    }
    throw AppException.conflict('too many concurrent writes to this recording; send the frame again');
  }

  /**
   * The recording's head: from this process's memory when it wrote the last chunk, else from the store. A head
   * remembered here but overtaken by another process shows up as a lost race (the chunk number is taken), after
   * which the stored head is read, so a stale memory never forks the chain or loses a size change.
   */
  private async head(scope: TenantScope, sessionUid: string, fresh: boolean): Promise<RecordingHead | null> {
    const remembered = fresh ? undefined : this.heads.get(sessionUid);
    if (remembered) return remembered;
    const chunk = await this.store.lastChunk(scope, sessionUid);
    if (!chunk) return null;
    // The last size is in the head chunk when it changed there; otherwise in the last chunk that has one.
    const sized = chunk.frames.some(([, kind]) => kind === 'r') ? chunk : await this.store.lastChunk(scope, sessionUid, 'r');
    const frame = sized?.frames.filter(([, kind]) => kind === 'r').at(-1);
    const parsed = frame ? parseTerminalSize(Buffer.from(frame[2], 'base64').toString('utf8')) : null;
    return {
      seq: chunk.seq,
      hash: chunk.hash,
      last: chunk.last,
      sessionStartedAt: chunk.sessionStartedAt,
      size: parsed ? `${parsed.cols}x${parsed.rows}` : undefined,
    };
  }

  private remember(sessionUid: string, head: RecordingHead): void {
    this.heads.delete(sessionUid);
    if (this.heads.size >= MAX_REMEMBERED_HEADS) {
      const oldest = this.heads.keys().next();
      if (!oldest.done) this.heads.delete(oldest.value);
    }
    this.heads.set(sessionUid, head);
  }
}
