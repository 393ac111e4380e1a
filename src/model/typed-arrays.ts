/**
 * Growing the typed arrays behind the heap, the event queue and the simulator's state: a copy into a
 * larger array, written once for all of them.
 */

/** A copy of `a` in a new array of `cap` entries (zeros beyond `a`). */
export function growI32(a: Int32Array, cap: number): Int32Array<ArrayBuffer> {
  const b = new Int32Array(cap);
  b.set(a);
  return b;
}

/** A copy of `a` in a new array of `cap` entries (zeros beyond `a`). */
export function growF64(a: Float64Array, cap: number): Float64Array<ArrayBuffer> {
  const b = new Float64Array(cap);
  b.set(a);
  return b;
}

/** A copy of `a` in a new array of `cap` entries (zeros beyond `a`). */
export function growU8(a: Uint8Array, cap: number): Uint8Array<ArrayBuffer> {
  const b = new Uint8Array(cap);
  b.set(a);
  return b;
}
