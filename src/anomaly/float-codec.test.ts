import { describe, expect, it } from 'vitest';
import { decodeFloat32, encodeFloat32 } from './float-codec.js';

describe('float32 base64 codec', () => {
  it('round-trips values of every length modulo 3 bytes and matches the standard base64', () => {
    for (const n of [0, 1, 2, 3, 7]) {
      const v = Float32Array.from({ length: n }, (_, i) => (i - 3) * 0.37 + 1e-7 * i);
      const text = encodeFloat32(v);
      expect(text).toBe(Buffer.from(v.buffer, v.byteOffset, v.byteLength).toString('base64'));
      expect(Array.from(decodeFloat32(text)!)).toEqual(Array.from(v));
    }
  });

  it('rejects text that is not base64 of whole float32 values', () => {
    expect(decodeFloat32('@@@@')).toBeNull();
    expect(decodeFloat32('AAA=')).toBeNull();
  });
});
