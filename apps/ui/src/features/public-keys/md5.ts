// MD5 (RFC 1321), only because the API names public keys by their legacy MD5 fingerprint and Web Crypto has no MD5.
const shifts = [7, 12, 17, 22, 7, 12, 17, 22, 7, 12, 17, 22, 7, 12, 17, 22, 5, 9, 14, 20, 5, 9, 14, 20, 5, 9, 14, 20, 5, 9, 14, 20, 4, 11, 16, 23, 4, 11, 16, 23, 4, 11, 16, 23, 4, 11, 16, 23, 6, 10, 15, 21, 6, 10, 15, 21, 6, 10, 15, 21, 6, 10, 15, 21];
const constants = Array.from({ length: 64 }, (_, index) => Math.floor(Math.abs(Math.sin(index + 1)) * 2 ** 32) >>> 0);

export function md5(message: Uint8Array): Uint8Array {
  const paddedLength = (((message.length + 8) >> 6) + 1) << 6;
  const bytes = new Uint8Array(paddedLength);
  bytes.set(message);
  bytes[message.length] = 0x80;
  const view = new DataView(bytes.buffer);
  const bitLength = message.length * 8;
  view.setUint32(paddedLength - 8, bitLength >>> 0, true);
  view.setUint32(paddedLength - 4, Math.floor(bitLength / 2 ** 32), true);

  let [a0, b0, c0, d0] = [0x67452301, 0xefcdab89, 0x98badcfe, 0x10325476];
  for (let offset = 0; offset < paddedLength; offset += 64) {
    let [a, b, c, d] = [a0, b0, c0, d0];
    for (let round = 0; round < 64; round++) {
      let f: number;
      let word: number;
      if (round < 16) {
        f = (b & c) | (~b & d);
        word = round;
      } else if (round < 32) {
        f = (d & b) | (~d & c);
        word = (5 * round + 1) % 16;
      } else if (round < 48) {
        f = b ^ c ^ d;
        word = (3 * round + 5) % 16;
      } else {
        f = c ^ (b | ~d);
        word = (7 * round) % 16;
      }
      const sum = (a + f + constants[round] + view.getUint32(offset + word * 4, true)) >>> 0;
      a = d;
      d = c;
      c = b;
      b = (b + ((sum << shifts[round]) | (sum >>> (32 - shifts[round])))) >>> 0;
    }
    a0 = (a0 + a) >>> 0;
    b0 = (b0 + b) >>> 0;
    c0 = (c0 + c) >>> 0;
    d0 = (d0 + d) >>> 0;
  }
  const digest = new Uint8Array(16);
  const out = new DataView(digest.buffer);
  [a0, b0, c0, d0].forEach((value, index) => out.setUint32(index * 4, value, true));
  return digest;
}
