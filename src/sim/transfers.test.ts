import { describe, expect, it } from 'vitest';
import { FairShareNetwork } from './transfers.js';

/** Drives one link: starts at the given times, returns each transfer's completion time. */
function run(bandwidth: number, starts: Array<{ at: number; bytes: number }>): number[] {
  const net = new FairShareNetwork(new Float64Array([bandwidth]));
  const done: number[] = new Array<number>(starts.length).fill(NaN);
  const out = new Int32Array(16);
  let i = 0;
  for (;;) {
    const next = net.nextCompletion(0);
    const arrival = i < starts.length ? starts[i]!.at : Infinity;
    if (next === Infinity && arrival === Infinity) break;
    if (arrival <= next) {
      net.start(0, starts[i]!.bytes, arrival);
      i++;
    } else {
      const k = net.completeDue(0, next, out);
      for (let j = 0; j < k; j++) done[out[j]!] = next;
    }
  }
  return done;
}

describe('FairShareNetwork', () => {
  it('two 100 MB transfers on a 100 MB/s link starting together both finish at 2 s', () => {
    expect(
      run(100e6, [
        { at: 0, bytes: 100e6 },
        { at: 0, bytes: 100e6 },
      ]),
    ).toEqual([2, 2]);
  });

  it('one at 0 s and one at 0.5 s: they finish at 1.5 s and 2 s', () => {
    const [a, b] = run(100e6, [
      { at: 0, bytes: 100e6 },
      { at: 0.5, bytes: 100e6 },
    ]);
    expect(a).toBeCloseTo(1.5, 12);
    expect(b).toBeCloseTo(2, 12);
  });

  it('three transfers of different sizes share by thirds then halves (hand-computed)', () => {
    // 100 B/s. A=100 B and B=300 B at 0; C=100 B at 1.
    // 0–1: 50 B/s each → A 50, B 50. 1–2.5: 33.3 B/s each → A done at 2.5 (B 100, C 50).
    // 2.5–3.5: 50 B/s each → C done at 3.5 (B 150). 3.5–5: B alone → done at 5.
    const [a, b, c] = run(100, [
      { at: 0, bytes: 100 },
      { at: 0, bytes: 300 },
      { at: 1, bytes: 100 },
    ]);
    expect(a).toBeCloseTo(2.5, 12);
    expect(c).toBeCloseTo(3.5, 12);
    expect(b).toBeCloseTo(5, 12);
  });

  it('a transfer alone gets the whole bandwidth, and an idle link stays idle', () => {
    expect(run(10, [{ at: 3, bytes: 50 }])).toEqual([8]);
    const net = new FairShareNetwork(new Float64Array([1, 1]));
    net.start(0, 5, 0);
    expect(net.nextCompletion(1)).toBe(Infinity);
    expect(net.activeOn(0)).toBe(1);
  });
});
