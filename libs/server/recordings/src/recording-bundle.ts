import type { RecordingFrame } from '@fleetgate/contracts';
import { type StoredChunk, type StoredSignature, type VerificationReport, verifyRecordingChain } from './recording-chain';

/**
 * Verifies a downloaded recording bundle (`GET /api/sessions/{uid}/recording`) offline, against the platform public
 * key the verifier trusts, never the one the bundle names: a forger would put their own there.
 */
export async function verifyRecordingBundle(lines: AsyncIterable<string> | Iterable<string>, trustedPublicKeyPem: string): Promise<VerificationReport & { session: string }> {
  let session: string | undefined;
  const chunks: StoredChunk[] = [];
  const signatures: StoredSignature[] = [];
  let lineNumber = 0;
  for await (const line of lines) {
    lineNumber += 1;
    if (line.trim().length === 0) continue;
    let value: Record<string, unknown>;
    try {
      value = JSON.parse(line) as Record<string, unknown>;
    } catch {
      throw new Error(`line ${lineNumber} is not JSON`);
    }
    if (session === undefined) {
      if (value['format'] !== 'fleetgate-recording-bundle-v1' || typeof value['session'] !== 'string') {
        throw new Error('the first line is not a fleetgate-recording-bundle-v1 header');
      }
      session = value['session'];
      continue;
    }
    if (value['type'] === 'chunk') {
      chunks.push({
        sessionUid: session,
        seq: Number(value['seq']),
        previousHash: String(value['previous_hash']),
        hash: String(value['hash']),
        last: value['last'] === true,
        frames: (Array.isArray(value['frames']) ? value['frames'] : []) as RecordingFrame[],
      });
    } else if (value['type'] === 'signature') {
      signatures.push({
        seq: Number(value['seq']),
        hash: String(value['hash']),
        signedAt: Number(value['signed_at']),
        signature: String(value['signature']),
      });
    } else {
      throw new Error(`line ${lineNumber} is neither a chunk nor a signature`);
    }
  }
  if (session === undefined) throw new Error('the bundle is empty');
  return { session, ...(await verifyRecordingChain(session, chunks, signatures, trustedPublicKeyPem)) };
}
