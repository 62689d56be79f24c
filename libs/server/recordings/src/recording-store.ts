import { Injectable } from '@nestjs/common';
import type { RecordingFrame, RecordingFrameKind } from '@fleetgate/contracts';
import {
  type RecordingChunkDocument,
  RecordingChunksRepository,
  RecordingSignaturesRepository,
  type TenantScope,
} from '@fleetgate/data-access';
import type { StoredChunk, StoredSignature } from './recording-chain';

/** A chunk as stored, with the times the store indexes it by. */
export interface RecordingChunkRecord extends StoredChunk {
  sessionStartedAt: number;
  frames: RecordingFrame[];
}

export interface RecordingSignatureRecord extends StoredSignature {
  sessionStartedAt: number;
}

/** What one retention pass removed. */
export interface ExpiredRecordingsDeleted {
  chunks: number;
  /** Recordings that lost chunks in this pass. */
  sessions: string[];
}

/**
 * Where recordings live. The database holds them today; an S3-compatible store (one object per chunk under
 * `<tenant>/<session>/<seq>`, signatures beside them, Object Lock for retention) implements the same methods.
 * Writes are idempotent: storing the same (session, seq) twice stores it once.
 */
export abstract class RecordingStore {
  abstract putChunk(scope: TenantScope, chunk: RecordingChunkRecord): Promise<'stored' | 'duplicate'>;
  abstract putSignature(scope: TenantScope, sessionUid: string, signature: RecordingSignatureRecord): Promise<'stored' | 'duplicate'>;
  /** The recording's chunks in sequence order, streamed. */
  abstract chunks(scope: TenantScope, sessionUid: string): AsyncIterable<RecordingChunkRecord>;
  abstract signatures(scope: TenantScope, sessionUid: string): Promise<StoredSignature[]>;
  /** The recording's last chunk, or with `kind` the last one holding a frame of that kind; null when none. */
  abstract lastChunk(scope: TenantScope, sessionUid: string, kind?: RecordingFrameKind): Promise<RecordingChunkRecord | null>;
  /** Deletes up to `batchSize` chunks of recordings started before `cutoff`, and their signatures. */
  abstract deleteExpired(scope: TenantScope, cutoff: Date, batchSize: number): Promise<ExpiredRecordingsDeleted>;
  /** Tenants that own recordings (the retention job visits each). */
  abstract tenants(): Promise<string[]>;
}

function toChunkRecord(chunk: RecordingChunkDocument): RecordingChunkRecord {
  return {
    sessionUid: chunk.session_uid,
    seq: chunk.seq,
    previousHash: chunk.previous_hash,
    hash: chunk.hash,
    last: chunk.last,
    frames: chunk.frames.map(({ t, k, d }): RecordingFrame => [t, k, d]),
    sessionStartedAt: new Date(chunk.session_started_at).getTime(),
  };
}

/** Recordings in the database: `recording_chunks` and `recording_signatures`. */
@Injectable()
export class DatabaseRecordingStore extends RecordingStore {
  constructor(
    private readonly chunkDocuments: RecordingChunksRepository,
    private readonly signatureDocuments: RecordingSignaturesRepository,
  ) {
    super();
  }

  putChunk(scope: TenantScope, chunk: RecordingChunkRecord): Promise<'stored' | 'duplicate'> {
    return this.chunkDocuments.insertOnce(scope, {
      session_uid: chunk.sessionUid,
      seq: chunk.seq,
      session_started_at: new Date(chunk.sessionStartedAt),
      started_at: new Date(chunk.frames[0]?.[0] ?? chunk.sessionStartedAt),
      frames: chunk.frames.map(([t, k, d]) => ({ t, k, d })),
      previous_hash: chunk.previousHash,
      hash: chunk.hash,
      last: chunk.last,
    });
  }

  putSignature(scope: TenantScope, sessionUid: string, signature: RecordingSignatureRecord): Promise<'stored' | 'duplicate'> {
    return this.signatureDocuments.insertOnce(scope, {
      session_uid: sessionUid,
      seq: signature.seq,
      hash: signature.hash,
      signed_at: new Date(signature.signedAt),
      algorithm: 'RS256',
      signature: signature.signature,
      session_started_at: new Date(signature.sessionStartedAt),
    });
  }

  async *chunks(scope: TenantScope, sessionUid: string): AsyncGenerator<RecordingChunkRecord> {
    for await (const chunk of this.chunkDocuments.chunksOf(scope, sessionUid)) yield toChunkRecord(chunk);
  }

  async lastChunk(scope: TenantScope, sessionUid: string, kind?: RecordingFrameKind): Promise<RecordingChunkRecord | null> {
    const chunk = await this.chunkDocuments.lastOf(scope, sessionUid, kind);
    return chunk ? toChunkRecord(chunk) : null;
  }

  async signatures(scope: TenantScope, sessionUid: string): Promise<StoredSignature[]> {
    const documents = await this.signatureDocuments.signaturesOf(scope, sessionUid);
    return documents.map((document) => ({
      seq: document.seq,
      hash: document.hash,
      signedAt: new Date(document.signed_at).getTime(),
      signature: document.signature,
    }));
  }

  async deleteExpired(scope: TenantScope, cutoff: Date, batchSize: number): Promise<ExpiredRecordingsDeleted> {
    const expired = await this.chunkDocuments.expiredChunks(scope, cutoff, batchSize);
    const sessions = [...new Set(expired.map((chunk) => chunk.sessionUid))];
    // Signatures first: a pass cut short leaves chunks without signatures, which the next pass still finds.
    await this.signatureDocuments.deleteOfSessions(scope, sessions);
    const chunks = await this.chunkDocuments.deleteByIds(scope, expired.map((chunk) => chunk.id));
    return { chunks, sessions };
  }

  async tenants(): Promise<string[]> {
    return this.chunkDocuments.tenantIdsUnscoped();
  }
}
