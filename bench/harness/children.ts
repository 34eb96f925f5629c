// Every subprocess the bench has running, so a signal to the bench ends them too (finally blocks do not run then).
import type { Subprocess } from 'bun';

const running = new Set<Subprocess>();

/** Track `proc` until it exits. */
export function track<T extends Subprocess>(proc: T): T {
  running.add(proc);
  void proc.exited.then(() => running.delete(proc));
  return proc;
}

/** SIGKILL every tracked subprocess still running (by its own pid). */
export function killAll(): void {
  for (const proc of running) {
    try {
      proc.kill('SIGKILL');
    } catch {
      // Already gone.
    }
  }
  running.clear();
}

/** On SIGINT/SIGTERM: end every subprocess, then exit 130. */
export function endChildrenOnSignal(): void {
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.on(signal, () => {
      killAll();
      process.exit(130);
    });
  }
}
