import { createHash, createSign, createVerify } from 'node:crypto';
import type { RecordingFrame } from '@fleetgate/contracts';

/**
 * The hash chain of a recording and the signatures over its head, as documented for offline verification in
 * docs/recordings.md. Every byte of the text hashed and signed is spelled out there, so anyone can recompute it
 * with `sha256sum` and `openssl dgst`; change the format only with a new version tag.
 */

/** The previous hash of a recording's first chunk. */
export const GENESIS_HASH = '0'.repeat(64);

const CHUNK_TAG = 'fleetgate-recording-chunk-v1';
const HEAD_TAG = 'fleetgate-recording-head-v1';

export interface ChunkContent {
  sessionUid: string;
  seq: number;
  previousHash: string;
  frames: readonly RecordingFrame[];
}

/** The exact text a chunk's hash covers: a header of four lines, then one line per frame. */
export function canonicalChunkText(chunk: ChunkContent): string {
  const lines = [CHUNK_TAG, `session ${chunk.sessionUid}`, `seq ${chunk.seq}`, `previous ${chunk.previousHash}`];
  for (const [time, kind, data] of chunk.frames) lines.push(`${time} ${kind} ${data}`);
  return `${lines.join('\n')}\n`;
}

/** SHA-256 (hex) over the previous chunk's hash and this chunk's frames, through `canonicalChunkText`. */
export function chunkHash(chunk: ChunkContent): string {
  return createHash('sha256').update(canonicalChunkText(chunk), 'utf8').digest('hex');
}

export interface ChainHead {
  sessionUid: string;
  seq: number;
  hash: string;
  signedAt: number;
}

/** The exact text a head signature covers. */
export function canonicalHeadText(head: ChainHead): string {
  return `${HEAD_TAG}\nsession ${head.sessionUid}\nseq ${head.seq}\nhash ${head.hash}\nsigned_at ${head.signedAt}\n`;
}

/** RSASSA-PKCS1-v1_5 with SHA-256 (JWT's RS256) under the platform key; base64. */
export function signHead(head: ChainHead, privateKeyPem: string): string {
  return createSign('sha256').update(canonicalHeadText(head), 'utf8').sign(privateKeyPem, 'base64');
}

export function headSignatureValid(head: ChainHead, signature: string, publicKeyPem: string): boolean {
  try {
    return createVerify('sha256').update(canonicalHeadText(head), 'utf8').verify(publicKeyPem, signature, 'base64');
  } catch {
    return false;
  }
}

/** A chunk as verification reads it, wherever it came from (the database, or a downloaded bundle). */
export interface StoredChunk extends ChunkContent {
  hash: string;
  last: boolean;
}

export interface StoredSignature {
  seq: number;
  hash: string;
  signedAt: number;
  signature: string;
}

export type VerificationStatus = 'intact' | 'tampered' | 'incomplete' | 'empty';

export interface VerificationReport {
  status: VerificationStatus;
  /** Chunks read. */
  chunks: number;
  /** The last chunk a valid signature covers, or -1. */
  signed_through: number;
  /** The first chunk that does not match, when `status` is `tampered` or `incomplete`. */
  first_bad_chunk?: number;
  reason?: string;
}

/**
 * Walks a recording's chunks in order and reports `intact`, or the first chunk that does not match and why: a gap
 * in the sequence (a deleted chunk), a previous hash that is not the previous chunk's, content that does not hash
 * to the stored hash (a changed byte or a changed hash), a signature that does not verify, or signatures naming
 * chunks that are not there (deleted from the end). `intact` also needs the last chunk marked last and signed:
 * anything less is `incomplete` (a recording still being written, or cut short).
 */
export async function verifyRecordingChain(
  sessionUid: string,
  chunks: AsyncIterable<StoredChunk> | Iterable<StoredChunk>,
  signatures: readonly StoredSignature[],
  publicKeyPem: string,
): Promise<VerificationReport> {
  const signaturesBySeq = new Map<number, StoredSignature[]>();
  for (const signature of signatures) {
    const list = signaturesBySeq.get(signature.seq) ?? [];
    list.push(signature);
    signaturesBySeq.set(signature.seq, list);
  }
  let expectedSeq = 0;
  let previousHash = GENESIS_HASH;
  let signedThrough = -1;
  let sawLast = false;
  const bad = (seq: number, reason: string, status: VerificationStatus = 'tampered'): VerificationReport => ({
    status,
    chunks: expectedSeq,
    signed_through: signedThrough,
    first_bad_chunk: seq,
    reason,
  });

  for await (const chunk of chunks) {
    if (chunk.sessionUid !== sessionUid) return bad(chunk.seq, `chunk ${chunk.seq} belongs to session ${chunk.sessionUid}`);
    if (chunk.seq !== expectedSeq) {
      return bad(expectedSeq, chunk.seq > expectedSeq ? `chunk ${expectedSeq} is missing` : `chunk ${chunk.seq} appears twice`);
    }
    if (sawLast) return bad(chunk.seq, `chunk ${chunk.seq} follows the chunk marked last`);
    if (chunk.previousHash !== previousHash) {
      return bad(chunk.seq, `chunk ${chunk.seq} names previous hash ${chunk.previousHash}, but chunk ${chunk.seq - 1} hashes to ${previousHash}`);
    }
    const computed = chunkHash({ sessionUid, seq: chunk.seq, previousHash, frames: chunk.frames });
    if (computed !== chunk.hash) {
      return bad(chunk.seq, `chunk ${chunk.seq} does not match its hash: its content hashes to ${computed}, the stored hash is ${chunk.hash}`);
    }
    for (const signature of signaturesBySeq.get(chunk.seq) ?? []) {
      const head = { sessionUid, seq: chunk.seq, hash: computed, signedAt: signature.signedAt };
      if (signature.hash !== computed || !headSignatureValid(head, signature.signature, publicKeyPem)) {
        return bad(chunk.seq, `the platform key's signature over chunk ${chunk.seq} does not verify`);
      }
      signedThrough = chunk.seq;
    }
    previousHash = computed;
    sawLast = chunk.last;
    expectedSeq += 1;
  }

  const beyond = signatures.filter((signature) => signature.seq >= expectedSeq).map((signature) => signature.seq);
  if (beyond.length > 0) {
    return bad(expectedSeq, `chunk ${expectedSeq} is missing: a signature covers chunk ${Math.max(...beyond)}`);
  }
  if (expectedSeq === 0) return { status: 'empty', chunks: 0, signed_through: -1 };
  if (!sawLast) {
    return bad(expectedSeq, `the recording ends at chunk ${expectedSeq - 1} without its last chunk (still recording, or cut short)`, 'incomplete');
  }
  if (signedThrough !== expectedSeq - 1) {
    return bad(expectedSeq - 1, `no valid signature covers the last chunk ${expectedSeq - 1}`, 'incomplete');
  }
  return { status: 'intact', chunks: expectedSeq, signed_through: signedThrough };
}
