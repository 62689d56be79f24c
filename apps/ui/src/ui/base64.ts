/** Base64 (standard alphabet) of a string's UTF-8 bytes; `btoa` alone throws on anything outside Latin-1. */
export function utf8ToBase64(text: string): string {
  let binary = '';
  new TextEncoder().encode(text).forEach((byte) => (binary += String.fromCharCode(byte)));
  return btoa(binary);
}

export function base64ToUtf8(encoded: string): string {
  return new TextDecoder().decode(Uint8Array.from(atob(encoded), (character) => character.charCodeAt(0)));
}
