/**
 * Float32Array ⇄ base64, so that a fitted model travels as a small JSON artefact. Written out here
 * (no Buffer) because the scoring side must run wherever a JavaScript engine runs.
 */
const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
const LOOKUP = new Int16Array(128).fill(-1);
for (let i = 0; i < ALPHABET.length; i++) LOOKUP[ALPHABET.charCodeAt(i)] = i;

/** Little-endian float32 bytes as base64. */
export function encodeFloat32(values: Float32Array): string {
  const copy = new Float32Array(values);
  const bytes = new Uint8Array(copy.buffer);
  let out = '';
  for (let i = 0; i < bytes.length; i += 3) {
    const a = bytes[i]!;
    const b = i + 1 < bytes.length ? bytes[i + 1]! : 0;
    const c = i + 2 < bytes.length ? bytes[i + 2]! : 0;
    const n = (a << 16) | (b << 8) | c;
    out += ALPHABET[(n >> 18) & 63]! + ALPHABET[(n >> 12) & 63]!;
    out += i + 1 < bytes.length ? ALPHABET[(n >> 6) & 63]! : '=';
    out += i + 2 < bytes.length ? ALPHABET[n & 63]! : '=';
  }
  return out;
}

/** The inverse of encodeFloat32; null if `text` is not base64 of whole float32 values. */
export function decodeFloat32(text: string): Float32Array | null {
  const clean = text.replace(/=+$/, '');
  const bytes = new Uint8Array(Math.floor((clean.length * 3) / 4));
  let k = 0;
  for (let i = 0; i < clean.length; i += 4) {
    let n = 0;
    let got = 0;
    for (let j = 0; j < 4; j++) {
      const ch = i + j < clean.length ? clean.charCodeAt(i + j) : -1;
      if (ch >= 0) {
        const v = ch < 128 ? LOOKUP[ch]! : -1;
        if (v < 0) return null;
        n |= v << (18 - 6 * j);
        got++;
      }
    }
    if (got >= 2) bytes[k++] = (n >> 16) & 255;
    if (got >= 3) bytes[k++] = (n >> 8) & 255;
    if (got >= 4) bytes[k++] = n & 255;
  }
  if (k % 4 !== 0) return null;
  return new Float32Array(bytes.buffer, 0, k / 4);
}
