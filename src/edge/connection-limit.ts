// How many WebSocket connections this process can really hold: the configured bound, lowered to fit the process's
// file-descriptor limit (each socket is one descriptor), so the server's own 503 applies before accept() starts failing.
import { readFileSync } from 'node:fs';

export interface ConnectionBound {
  /** Connections the edge accepts before answering 503. */
  max: number;
  /** The soft RLIMIT_NOFILE of this process, or null where it cannot be read. */
  fdLimit: number | null;
  /** Descriptors kept free for the database, Redis, the worker, listeners and plain HTTP requests. */
  headroom: number;
  /** True when the fd limit, not `--max-connections`, sets the bound. */
  lowered: boolean;
}

/** Descriptors kept back: 5% of the limit, at least 64 and at most 1,024. */
export function fdHeadroom(fdLimit: number): number {
  return Math.max(64, Math.min(1024, Math.floor(fdLimit * 0.05)));
}

/** The bound for a configured maximum and an fd limit (null = unknown: the configured maximum stands). Pure. */
export function connectionBound(configured: number, fdLimit: number | null): ConnectionBound {
  if (fdLimit === null || !Number.isFinite(fdLimit))
    return { max: configured, fdLimit: null, headroom: 0, lowered: false };
  const headroom = fdHeadroom(fdLimit);
  const fits = Math.max(1, fdLimit - headroom);
  return { max: Math.min(configured, fits), fdLimit, headroom, lowered: fits < configured };
}

/** Parse the soft "Max open files" limit out of a `/proc/<pid>/limits` text; null when absent or unlimited. */
export function parseFdLimit(limits: string): number | null {
  const line = limits.split('\n').find((l) => l.startsWith('Max open files'));
  const soft = line?.slice('Max open files'.length).trim().split(/\s+/)[0];
  if (soft === undefined || !/^\d+$/.test(soft)) return null;
  return Number(soft);
}

/** This process's soft fd limit (Linux `/proc/self/limits`); null elsewhere. */
export function readFdLimit(): number | null {
  try {
    return parseFdLimit(readFileSync('/proc/self/limits', 'utf8'));
  } catch {
    return null;
  }
}
