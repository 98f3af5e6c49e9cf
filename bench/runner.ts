/** The interface each benchmarked library implements. */

import type { Case } from "./cases.ts";

/** One prepared workload: `run` does the work once and reads the result back; `dispose` frees its inputs. */
export interface Workload {
  run(): void;
  dispose(): void;
}

export interface Runner {
  /** Column name in the report. */
  readonly name: string;
  /** Prepares the inputs of `c`, or returns null when this library does not run that case. */
  prepare(c: Case): Workload | null;
}
