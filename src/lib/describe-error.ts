// One line for an unknown thrown value: its message when it is an Error, its string form otherwise.

/** @example log(`lineage: redis read paused: ${describeError(error)}`) */
export function describeError(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
