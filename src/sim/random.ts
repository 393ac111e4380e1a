/** The twin's generator now lives in the model (src/model/random.ts); kept for simulate.ts's import. */
export { Random } from '../model/index.js';
