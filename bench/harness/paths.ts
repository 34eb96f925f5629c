// Where things are: the project root (servers are started from it) and the bench's own files.
export const ROOT = new URL('../..', import.meta.url).pathname;
export const BENCH = new URL('..', import.meta.url).pathname;
export const RESULTS = `${BENCH}results/`;
