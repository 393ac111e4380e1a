/** One row of the malformed-input tables: the error a reader must give, and where. */
export interface ExpectedError {
  code: string;
  line: number;
  column: number;
  path: string;
  message: string;
  hint?: string;
}
