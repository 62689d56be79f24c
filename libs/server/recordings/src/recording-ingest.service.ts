import { Injectable } from '@nestjs/common';
import type { IngestRecordingChunkPayload, RecordingFrame } from '@fleetgate/contracts';
import { SessionsRepository, tenantScope } from '@fleetgate/data-access';
import { chunkHash } from './recording-chain';
import { RecordingStore } from './recording-store';

/** A job that can never be stored, however often it is retried: the worker fails it at once, with this reason. */
export class InvalidRecordingChunkError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'InvalidRecordingChunkError';
  }
}

const uidPattern = /^[0-9a-f]{64}$/;
const hashPattern = /^[0-9a-f]{64}$/;
const base64Pattern = /^[A-Za-z0-9+/]*={0,2}$/;

function isFrame(value: unknown): value is RecordingFrame {
  return (
    Array.isArray(value) &&
    value.length === 3 &&
    Number.isSafeInteger(value[0]) &&
    (value[1] === 'o' || value[1] === 'i' || value[1] === 'r') &&
    typeof value[2] === 'string' &&
    base64Pattern.test(value[2])
  );
}

export interface IngestOutcome {
  chunk: 'stored' | 'duplicate';
  signature?: 'stored' | 'duplicate';
}

/**
 * Stores one chunk of a recording, idempotently: the chunk's (session, seq) is unique, so a retried or redelivered
 * job (a worker killed mid-job) stores nothing twice. The chain is computed where the bytes are seen, at the
 * gateway; the worker checks that the chunk hashes to what the gateway said before it stores it.
 */
@Injectable()
export class RecordingIngestService {
  constructor(
    private readonly store: RecordingStore,
    private readonly sessions: SessionsRepository,
  ) {}

  async ingest(payload: IngestRecordingChunkPayload): Promise<IngestOutcome> {
    const chunk = this.validated(payload);
    const scope = tenantScope(chunk.tenantId);
    const stored = await this.store.putChunk(scope, {
      sessionUid: chunk.sessionUid,
      seq: chunk.seq,
      previousHash: chunk.previousHash,
      hash: chunk.hash,
      last: chunk.last,
      frames: chunk.frames,
      sessionStartedAt: chunk.sessionStartedAt,
    });
    const outcome: IngestOutcome = { chunk: stored };
    if (chunk.signature) {
      outcome.signature = await this.store.putSignature(scope, chunk.sessionUid, {
        seq: chunk.seq,
        hash: chunk.hash,
        signedAt: chunk.signature.signedAt,
        signature: chunk.signature.signature,
        sessionStartedAt: chunk.sessionStartedAt,
      });
    }
    if (chunk.seq === 0) await this.sessions.setRecorded(scope, chunk.sessionUid, true);
    return outcome;
  }

  private validated(payload: IngestRecordingChunkPayload): IngestRecordingChunkPayload {
    const fail = (reason: string): never => {
      throw new InvalidRecordingChunkError(reason);
    };
    if (typeof payload !== 'object' || payload === null) fail('a recording chunk job needs a payload');
    const { tenantId, sessionUid, seq, sessionStartedAt, frames, previousHash, hash, signature, last } = payload;
    if (typeof tenantId !== 'string') fail('tenantId is missing');
    try {
      tenantScope(tenantId);
    } catch {
      fail('tenantId is not a UUID');
    }
    if (typeof sessionUid !== 'string' || !uidPattern.test(sessionUid)) fail('sessionUid must be 64 hex characters');
    if (!Number.isSafeInteger(seq) || seq < 0) fail('seq must be a non-negative integer');
    if (!Number.isSafeInteger(sessionStartedAt) || sessionStartedAt <= 0) fail('sessionStartedAt must be epoch milliseconds');
    if (!Array.isArray(frames) || !frames.every(isFrame)) fail('frames must be [time, kind, base64] triples');
    if (typeof previousHash !== 'string' || !hashPattern.test(previousHash)) fail('previousHash must be a SHA-256 hex digest');
    if (typeof hash !== 'string' || !hashPattern.test(hash)) fail('hash must be a SHA-256 hex digest');
    if (typeof last !== 'boolean') fail('last must be a boolean');
    if (signature !== undefined) {
      if (typeof signature !== 'object' || signature === null || typeof signature.signature !== 'string' || !Number.isSafeInteger(signature.signedAt)) {
        fail('signature must carry signedAt and signature');
      }
    }
    const computed = chunkHash({ sessionUid, seq, previousHash, frames });
    if (computed !== hash) fail(`chunk ${seq} of session ${sessionUid} does not hash to the hash it carries`);
    return payload;
  }
}
