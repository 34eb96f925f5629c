// An exclusive, non-blocking flock(2) on a file: the OS drops it when the process dies (even by kill -9), so a
// database can have one writer and a crashed one never leaves a stale lock. Works from any thread (the sim Worker).
import { dlopen, FFIType, read } from 'bun:ffi';
import { closeSync, constants, ftruncateSync, openSync, readFileSync, writeSync } from 'node:fs';
import { describeError } from '../lib/describe-error.ts';

const LOCK_EX = 2;
const LOCK_NB = 4;
/** EWOULDBLOCK (= EAGAIN): someone else holds the lock. */
const WOULD_BLOCK = process.platform === 'darwin' ? 35 : 11;
const EINTR = 4;

type Libc = { flock(fd: number, op: number): number; errno(): number };
let libc: Libc | null = null;

function load(): Libc {
  if (libc !== null) return libc;
  const names = process.platform === 'darwin' ? ['libc.dylib', '/usr/lib/libSystem.B.dylib'] : ['libc.so.6', 'libc.so'];
  const errnoSymbol = process.platform === 'darwin' ? '__error' : '__errno_location';
  let lastError: unknown = null;
  for (const name of names) {
    try {
      const lib = dlopen(name, {
        flock: { args: [FFIType.i32, FFIType.i32], returns: FFIType.i32 },
        [errnoSymbol]: { args: [], returns: FFIType.ptr },
      });
      const errnoAt = lib.symbols[errnoSymbol] as () => number | null;
      libc = {
        flock: (fd, op) => lib.symbols.flock(fd, op) as number,
        errno: () => {
          const at = errnoAt();
          return at === null ? 0 : read.i32(at as never, 0);
        },
      };
      return libc;
    } catch (error) {
      lastError = error;
    }
  }
  throw new Error(`cannot load the C library for flock: ${describeError(lastError)}`);
}

export interface FileLock {
  readonly path: string;
  /** Close the file (which releases the lock). Safe to call twice. */
  release(): void;
}

export type LockAttempt = { ok: true; lock: FileLock } | { ok: false; holderPid: number | null };

/** Take the lock on `path` (created if missing) or report who holds it; throws only when the file cannot be used. */
export function tryLock(path: string): LockAttempt {
  const c = load();
  const fd = openSync(path, constants.O_RDWR | constants.O_CREAT, 0o644);
  let result: number;
  let errno = 0;
  do {
    result = c.flock(fd, LOCK_EX | LOCK_NB);
    errno = result === 0 ? 0 : c.errno();
  } while (result !== 0 && errno === EINTR);
  if (result !== 0) {
    closeSync(fd);
    if (errno === WOULD_BLOCK) return { ok: false, holderPid: holderOf(path) };
    throw new Error(`flock ${path} failed (errno ${errno})`);
  }
  // Who holds it, for the refusal message of the next one; best effort (a full disk must not turn into another error).
  try {
    ftruncateSync(fd, 0);
    writeSync(fd, `${process.pid}\n`, 0);
  } catch {}
  let open = true;
  return {
    ok: true,
    lock: {
      path,
      release() {
        if (!open) return;
        open = false;
        closeSync(fd);
      },
    },
  };
}

function holderOf(path: string): number | null {
  try {
    const pid = Number.parseInt(readFileSync(path, 'utf8').trim(), 10);
    return Number.isInteger(pid) && pid > 0 ? pid : null;
  } catch {
    return null;
  }
}
