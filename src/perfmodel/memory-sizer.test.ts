import { describe, expect, it } from 'vitest';
import { MemorySizer } from './memory-sizer.js';

describe('MemorySizer', () => {
  it('asks for p95 plus the margin, grows the margin on a kill and retries with more', () => {
    const s = new MemorySizer();
    expect(s.request('t', 1000)).toBe(1100); // 10 % over p95
    const retry = s.outOfMemory('t', 1100, 1000);
    expect(s.margin('t')).toBeCloseTo(0.25, 12); // 0.1 × 2 + 0.05
    expect(retry).toBe(2200); // max(1100 × 2, 1000 × 1.25)
    expect(s.request('t', 1000)).toBe(1250);
    s.succeeded('t');
    expect(s.margin('t')).toBeCloseTo(0.245, 12); // × 0.98
    expect(s.margin('other')).toBe(0.1);
  });

  it('never asks for more than the node has', () => {
    const s = new MemorySizer();
    expect(s.request('t', 1000, 900)).toBe(900);
    expect(s.outOfMemory('t', 900, 1000, 1500)).toBe(1500);
  });
});
