/**
 * The simulator's future event list: events of a small integer type with two integer arguments,
 * ordered by time, ties in scheduling order. Events live in a pool of typed arrays with a free list
 * and the order in a `MinHeap`, so that the hot loop allocates nothing per event.
 *
 * @example
 * const q = new EventQueue();
 * q.schedule(5, 1, 42, 0);
 * if (q.pop()) console.log(q.time, q.type, q.a, q.b); // 5 1 42 0
 */
import { growI32, growU8, MinHeap } from '../model/index.js';

export class EventQueue {
  private readonly heap: MinHeap;
  private types: Uint8Array;
  private as: Int32Array;
  private bs: Int32Array;
  private free: Int32Array;
  private nFree = 0;
  private used = 0;

  /** Fields of the event last returned by `pop`. */
  time = 0;
  type = 0;
  a = 0;
  b = 0;

  constructor(initialCapacity = 1024) {
    this.heap = new MinHeap(initialCapacity);
    this.types = new Uint8Array(initialCapacity);
    this.as = new Int32Array(initialCapacity);
    this.bs = new Int32Array(initialCapacity);
    this.free = new Int32Array(initialCapacity);
  }

  get size(): number {
    return this.heap.size;
  }

  /** Time of the next event; `Infinity` when there is none. */
  peekTime(): number {
    return this.heap.peekKey();
  }

  schedule(time: number, type: number, a: number, b: number): void {
    let id: number;
    if (this.nFree > 0) id = this.free[--this.nFree]!;
    else {
      if (this.used === this.types.length) this.grow();
      id = this.used++;
    }
    this.types[id] = type;
    this.as[id] = a;
    this.bs[id] = b;
    this.heap.push(time, id);
  }

  /** Takes the earliest event into `time`, `type`, `a`, `b`; false when the queue is empty. */
  pop(): boolean {
    if (this.heap.size === 0) return false;
    this.time = this.heap.peekKey();
    const id = this.heap.pop();
    this.type = this.types[id]!;
    this.a = this.as[id]!;
    this.b = this.bs[id]!;
    this.free[this.nFree++] = id;
    return true;
  }

  private grow(): void {
    const cap = this.types.length * 2;
    this.types = growU8(this.types, cap);
    this.as = growI32(this.as, cap);
    this.bs = growI32(this.bs, cap);
    this.free = growI32(this.free, cap);
  }
}
