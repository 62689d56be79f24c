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
      const head = await this.store.lastChunk(scope, sessionUid);
      if (head?.last) throw AppException.conflict('the recording of this session has ended');
      const time = Date.now();
      const frames: RecordingFrame[] = [];
      const size = `${frame.width}x${frame.height}`;
      if ((await this.lastSize(scope, sessionUid)) !== size) frames.push([time, 'r', Buffer.from(size).toString('base64')]);
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
        return { recorded: true, seq, message: 'recorded' };
      }
      // Another API process stored chunk `seq` first: build on its chunk instead; nothing of this frame is lost.
    }
    throw AppException.conflict('too many concurrent writes to this recording; send the frame again');
  }

  private async lastSize(scope: TenantScope, sessionUid: string): Promise<string | undefined> {
    const chunk = await this.store.lastChunk(scope, sessionUid, 'r');
    const frame = chunk?.frames.filter(([, kind]) => kind === 'r').at(-1);
    if (!frame) return undefined;
    const size = parseTerminalSize(Buffer.from(frame[2], 'base64').toString('utf8'));
    return size ? `${size.cols}x${size.rows}` : undefined;
  }
}
