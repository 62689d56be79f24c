import { md5 } from './md5';

export interface ParsedPublicKey {
  type: string;
  comment: string;
  /** The legacy MD5 fingerprint, `aa:bb:…`, which the API names keys by (`ssh-keygen -E md5 -l`). */
  fingerprint: string;
}

function base64Bytes(text: string): Uint8Array | null {
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(text)) return null;
  try {
    return Uint8Array.from(atob(text), (character) => character.charCodeAt(0));
  } catch {
    return null;
  }
}

/**
 * Reads a pasted OpenSSH public key line (`type base64 [comment]`) the way the API will, so the person sees its
 * fingerprint, or what is wrong with it, before saving. The blob must name the same type as the line.
 */
export function parseAuthorizedKey(line: string): ParsedPublicKey | { problem: string } {
  const [type, encoded, ...comment] = line.trim().split(/\s+/);
  if (!type || !encoded) return { problem: 'paste one public key line: "ssh-ed25519 AAAA… comment"' };
  if (type.includes('PRIVATE')) return { problem: 'this is a private key: paste the .pub file instead' };
  const blob = base64Bytes(encoded);
  if (!blob || blob.length < 4) return { problem: 'the key part is not valid base64' };
  const typeLength = new DataView(blob.buffer).getUint32(0);
  const innerType = new TextDecoder().decode(blob.slice(4, 4 + typeLength));
  if (innerType !== type) return { problem: `the key says "${type}" but its data is a "${innerType}" key` };
  const fingerprint = Array.from(md5(blob), (byte) => byte.toString(16).padStart(2, '0')).join(':');
  return { type, comment: comment.join(' '), fingerprint };
}
