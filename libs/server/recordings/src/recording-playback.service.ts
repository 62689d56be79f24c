import { Inject, Injectable } from '@nestjs/common';
import type { PlatformKeys } from '@fleetgate/auth';
import type { RecordingFrame } from '@fleetgate/contracts';
import { SessionsRepository, type TenantScope } from '@fleetgate/data-access';
import { AppException } from '@fleetgate/errors';
import { asciicastLines, parseTerminalSize } from './asciicast';
import { type VerificationReport, verifyRecordingChain } from './recording-chain';
import { RecordingStore } from './recording-store';
import { RECORDING_PUBLIC_KEYS } from './recordings.tokens';

/** One frame of `GET /api/sessions/{uid}/play`, the contract's `recorded_sessions` shape. */
export interface PlayedFrame {
  uid: string;
  message: string;
  tenant_id: string;
  time: string;
  width: number;
  height: number;
}

const sessionUidPattern = /^[0-9a-f]{64}$/;

/** Reads recordings back: the contract's frames, an asciicast file, the chain's verification, the offline bundle. */
@Injectable()
export class RecordingPlaybackService {
  constructor(
    private readonly store: RecordingStore,
    private readonly sessions: SessionsRepository,
    @Inject(RECORDING_PUBLIC_KEYS) private readonly keys: Pick<PlatformKeys, 'publicKeyPem'>,
  ) {}

  /** A session of this tenant, or a recording of it: anything else (another tenant's included) is a 404. */
  private async assertVisible(scope: TenantScope, sessionUid: string): Promise<{ term?: string }> {
    if (!sessionUidPattern.test(sessionUid)) throw AppException.notFound('session');
    const session = await this.sessions.findByUid(scope, sessionUid);
    if (session) return { term: session.term !== 'none' ? session.term : undefined };
    const chunks = this.store.chunks(scope, sessionUid)[Symbol.asyncIterator]();
    const first = await chunks.next();
    await chunks.return?.();
    if (!first.done) return {};
    throw AppException.notFound('session');
  }

  private async *frames(scope: TenantScope, sessionUid: string): AsyncGenerator<RecordingFrame> {
    for await (const chunk of this.store.chunks(scope, sessionUid)) yield* chunk.frames;
  }

  async play(scope: TenantScope, sessionUid: string): Promise<PlayedFrame[]> {
    await this.assertVisible(scope, sessionUid);
    const played: PlayedFrame[] = [];
    let size = { cols: 80, rows: 24 };
    for await (const [time, kind, data] of this.frames(scope, sessionUid)) {
      const bytes = Buffer.from(data, 'base64');
      if (kind === 'r') {
        size = parseTerminalSize(bytes.toString('utf8')) ?? size;
        continue;
      }
      if (kind !== 'o') continue;
      played.push({
        uid: sessionUid,
        message: bytes.toString('utf8'),
        tenant_id: scope.tenantId,
        time: new Date(time).toISOString(),
        width: size.cols,
        height: size.rows,
      });
    }
    return played;
  }

  /** The asciicast v2 file, line by line; the first line comes once the session is known to be visible. */
  async asciicast(scope: TenantScope, sessionUid: string): Promise<AsyncIterable<string>> {
    const { term } = await this.assertVisible(scope, sessionUid);
    return asciicastLines(this.frames(scope, sessionUid), { sessionUid, term });
  }

  async verify(scope: TenantScope, sessionUid: string): Promise<VerificationReport> {
    await this.assertVisible(scope, sessionUid);
    const signatures = await this.store.signatures(scope, sessionUid);
    return verifyRecordingChain(sessionUid, this.store.chunks(scope, sessionUid), signatures, this.keys.publicKeyPem);
  }

  /**
   * Everything offline verification needs, as JSON lines (docs/recordings.md): a header with the platform's public
   * key, one line per chunk, one per signature.
   */
  async bundle(scope: TenantScope, sessionUid: string): Promise<AsyncIterable<string>> {
    await this.assertVisible(scope, sessionUid);
    const signatures = await this.store.signatures(scope, sessionUid);
    const chunks = this.store.chunks(scope, sessionUid);
    const publicKeyPem = this.keys.publicKeyPem;
    return (async function* () {
      yield `${JSON.stringify({ format: 'fleetgate-recording-bundle-v1', session: sessionUid, public_key: publicKeyPem })}\n`;
      for await (const chunk of chunks) {
        yield `${JSON.stringify({
          type: 'chunk',
          seq: chunk.seq,
          previous_hash: chunk.previousHash,
          hash: chunk.hash,
          last: chunk.last,
          frames: chunk.frames,
        })}\n`;
      }
      for (const signature of signatures) {
        yield `${JSON.stringify({ type: 'signature', seq: signature.seq, hash: signature.hash, signed_at: signature.signedAt, algorithm: 'RS256', signature: signature.signature })}\n`;
      }
    })();
  }
}
