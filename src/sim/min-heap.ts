/** The heap now lives in the model (src/model/min-heap.ts); kept for simulate.ts's import. */
export { MinHeap } from '../model/index.js';
