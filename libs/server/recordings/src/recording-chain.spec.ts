import { createHash, generateKeyPairSync } from 'node:crypto';
import type { RecordingFrame } from '@fleetgate/contracts';
import { asciicastLines } from './asciicast';
import { verifyRecordingBundle } from './recording-bundle';
import {
  canonicalChunkText,
  chunkHash,
  GENESIS_HASH,
  signHead,
  type StoredChunk,
  type StoredSignature,
  verifyRecordingChain,
} from './recording-chain';

const keys = generateKeyPairSync('rsa', {
  modulusLength: 2048,
  privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
  publicKeyEncoding: { type: 'spki', format: 'pem' },
});
const otherKeys = generateKeyPairSync('rsa', {
  modulusLength: 2048,
  privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
  publicKeyEncoding: { type: 'spki', format: 'pem' },
});
const session = 'ab'.repeat(32);
const b64 = (text: string) => Buffer.from(text).toString('base64');

/** A recording of `count` chunks, chained and signed as the gateway does (every third chunk and the last). */
function recording(count: number, privateKeyPem = keys.privateKey): { chunks: StoredChunk[]; signatures: StoredSignature[] } {
  const chunks: StoredChunk[] = [];
  const signatures: StoredSignature[] = [];
  let previousHash = GENESIS_HASH;
  for (let seq = 0; seq < count; seq++) {
    const frames: RecordingFrame[] = [
      ...(seq === 0 ? [[1_000, 'r', b64('80x24')] as RecordingFrame] : []),
      [1_000 + seq * 10, 'o', b64(`output ${seq}\r\n`)],
    ];
    const hash = chunkHash({ sessionUid: session, seq, previousHash, frames });
    const last = seq === count - 1;
    chunks.push({ sessionUid: session, seq, previousHash, frames, hash, last });
    if (last || seq % 3 === 2) {
      const signedAt = 5_000 + seq;
      signatures.push({ seq, hash, signedAt, signature: signHead({ sessionUid: session, seq, hash, signedAt }, privateKeyPem) });
    }
    previousHash = hash;
  }
  return { chunks, signatures };
}

const clone = <T>(value: T): T => JSON.parse(JSON.stringify(value)) as T;

describe('the recording hash chain', () => {
  it('hashes the documented text: SHA-256 over the tag, session, seq, previous hash and one line per frame', () => {
    const frames: RecordingFrame[] = [[1, 'o', b64('hi')]];
    const text = canonicalChunkText({ sessionUid: session, seq: 0, previousHash: GENESIS_HASH, frames });
    expect(text).toBe(`fleetgate-recording-chunk-v1\nsession ${session}\nseq 0\nprevious ${GENESIS_HASH}\n1 o aGk=\n`);
    expect(chunkHash({ sessionUid: session, seq: 0, previousHash: GENESIS_HASH, frames })).toBe(
      createHash('sha256').update(text).digest('hex'),
    );
  });

  it('reports an untouched, signed recording intact', async () => {
    const { chunks, signatures } = recording(7);
    await expect(verifyRecordingChain(session, chunks, signatures, keys.publicKey)).resolves.toEqual({
      status: 'intact',
      chunks: 7,
      signed_through: 6,
    });
  });

  it('names the chunk where one stored byte changed', async () => {
    const { chunks, signatures } = recording(7);
    const tampered = clone(chunks);
    const bytes = Buffer.from(tampered[4]!.frames[0]![2], 'base64');
    bytes[0] = bytes[0]! ^ 0x01;
    tampered[4]!.frames[0]![2] = bytes.toString('base64');
    const report = await verifyRecordingChain(session, tampered, signatures, keys.publicKey);
    expect(report).toMatchObject({ status: 'tampered', first_bad_chunk: 4 });
    expect(report.reason).toMatch(/chunk 4 does not match its hash/);
  });

  it('names the chunk whose hash changed, even when the next chunk was re-pointed at the new hash', async () => {
    const { chunks, signatures } = recording(7);
    const tampered = clone(chunks);
    tampered[3]!.hash = 'f'.repeat(64);
    tampered[4]!.previousHash = 'f'.repeat(64);
    const report = await verifyRecordingChain(session, tampered, signatures, keys.publicKey);
    expect(report).toMatchObject({ status: 'tampered', first_bad_chunk: 3 });
  });

  it('names a deleted chunk as missing', async () => {
    const { chunks, signatures } = recording(7);
    const report = await verifyRecordingChain(session, chunks.filter((chunk) => chunk.seq !== 2), signatures, keys.publicKey);
    expect(report).toMatchObject({ status: 'tampered', first_bad_chunk: 2, reason: 'chunk 2 is missing' });
  });

  it('catches chunks deleted from the end through the signature that names them', async () => {
    const { chunks, signatures } = recording(7);
    const report = await verifyRecordingChain(session, chunks.slice(0, 5), signatures, keys.publicKey);
    expect(report).toMatchObject({ status: 'tampered', first_bad_chunk: 5 });
  });

  it('does not take a whole chain recomputed and signed with another key', async () => {
    const { chunks, signatures } = recording(4, otherKeys.privateKey);
    const report = await verifyRecordingChain(session, chunks, signatures, keys.publicKey);
    expect(report).toMatchObject({ status: 'tampered', first_bad_chunk: 2 });
    expect(report.reason).toMatch(/signature over chunk 2 does not verify/);
  });

  it('calls a recording without its signed last chunk incomplete, never intact', async () => {
    const { chunks, signatures } = recording(7);
    const withoutLastSignature = signatures.filter((signature) => signature.seq !== 6);
    await expect(verifyRecordingChain(session, chunks, withoutLastSignature, keys.publicKey)).resolves.toMatchObject({
      status: 'incomplete',
      first_bad_chunk: 6,
    });
    await expect(verifyRecordingChain(session, [], [], keys.publicKey)).resolves.toMatchObject({ status: 'empty' });
  });
});

describe('offline verification of a downloaded bundle', () => {
  const bundleOf = (chunks: StoredChunk[], signatures: StoredSignature[]) => [
    JSON.stringify({ format: 'fleetgate-recording-bundle-v1', session, public_key: 'whatever the server says' }),
    ...chunks.map((chunk) =>
      JSON.stringify({ type: 'chunk', seq: chunk.seq, previous_hash: chunk.previousHash, hash: chunk.hash, last: chunk.last, frames: chunk.frames }),
    ),
    ...signatures.map((signature) =>
      JSON.stringify({ type: 'signature', seq: signature.seq, hash: signature.hash, signed_at: signature.signedAt, algorithm: 'RS256', signature: signature.signature }),
    ),
  ];

  it('verifies against the key the verifier trusts, not the one in the bundle', async () => {
    const { chunks, signatures } = recording(5);
    await expect(verifyRecordingBundle(bundleOf(chunks, signatures), keys.publicKey)).resolves.toMatchObject({ session, status: 'intact' });
    await expect(verifyRecordingBundle(bundleOf(chunks, signatures), otherKeys.publicKey)).resolves.toMatchObject({ status: 'tampered' });
  });

  it('refuses what is not a bundle', async () => {
    await expect(verifyRecordingBundle(['{"hello":1}'], keys.publicKey)).rejects.toThrow(/header/);
    await expect(verifyRecordingBundle([], keys.publicKey)).rejects.toThrow(/empty/);
  });
});

describe('asciicast v2', () => {
  async function* frames(list: RecordingFrame[]): AsyncGenerator<RecordingFrame> {
    yield* list;
  }
  const collect = async (list: RecordingFrame[]) => {
    const lines: string[] = [];
    for await (const line of asciicastLines(frames(list), { sessionUid: session, term: 'xterm-256color' })) lines.push(line);
    return lines.join('').trimEnd().split('\n').map((line) => JSON.parse(line) as unknown);
  };

  it('writes the first size into the header, then timed events, keeping characters split across frames whole', async () => {
    const euro = Buffer.from('€');
    const lines = await collect([
      [10_000, 'r', b64('100x30')],
      [10_000, 'o', b64('$ ')],
      [10_500, 'o', euro.subarray(0, 1).toString('base64')],
      [10_600, 'o', euro.subarray(1).toString('base64')],
      [11_000, 'r', b64('120x40')],
      [11_250, 'i', b64('ls\r')],
    ]);
    expect(lines[0]).toMatchObject({ version: 2, width: 100, height: 30, timestamp: 10, env: { TERM: 'xterm-256color' } });
    expect(lines.slice(1)).toEqual([
      [0, 'o', '$ '],
      [0.6, 'o', '€'],
      [1, 'r', '120x40'],
      [1.25, 'i', 'ls\r'],
    ]);
  });

  it('falls back to 80x24 when the recording starts without a size', async () => {
    const lines = await collect([[1_000, 'o', b64('hello')]]);
    expect(lines[0]).toMatchObject({ version: 2, width: 80, height: 24 });
    expect(lines[1]).toEqual([0, 'o', 'hello']);
  });
});
