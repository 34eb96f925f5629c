// The load processes of one run: spawned, driven over IPC (each command answered by a reply), always ended.
import type { Subprocess } from 'bun';
import type { ClientGroup, Command, LoadInit, LoadMessage, Reply } from '../load/commands.ts';
import { cpuSeconds } from '../stats/proc-stats.ts';
import { track } from './children.ts';
import { BENCH, ROOT } from './paths.ts';

type CommandBody = Command extends infer C ? (C extends Command ? Omit<C, 'id'> : never) : never;

interface Loader {
  proc: Subprocess;
  pending: Map<number, { resolve(v: unknown): void; reject(e: Error): void }>;
  ready: Promise<void>;
}

/** Split `n` as evenly as possible over `parts`. */
export function split(n: number, parts: number): number[] {
  return Array.from({ length: parts }, (_, i) => Math.floor(n / parts) + (i < n % parts ? 1 : 0));
}

/**
 * Each group's clients split as evenly as possible over `parts` load processes, so every process gets the same mix; a
 * group's remainder goes to the processes after the previous group's (many one-client groups do not pile up on the
 * first). Empty groups are left out.
 */
export function splitGroups(groups: readonly ClientGroup[], parts: number): ClientGroup[][] {
  const out: ClientGroup[][] = Array.from({ length: parts }, () => []);
  let next = 0;
  for (const g of groups) {
    const base = Math.floor(g.count / parts);
    const extra = g.count % parts;
    for (let i = 0; i < parts; i++) {
      const count = base + ((i - next + parts) % parts < extra ? 1 : 0);
      if (count > 0) out[i]?.push({ count, topics: g.topics });
    }
    next = (next + extra) % parts;
  }
  return out;
}

export class LoadFleet {
  private nextId = 1;

  private constructor(
    private readonly loaders: Loader[],
    private readonly clkTck: number,
  ) {}

  get size(): number {
    return this.loaders.length;
  }

  /** Start `count` load processes, process `i` against `urlFor(i)`, and wait until each has its reference connection. */
  static async start(
    urlFor: (i: number) => string,
    count: number,
    referenceTopics: string[],
    lifetimeMs: number,
    clkTck = 100,
  ): Promise<LoadFleet> {
    const loaders: Loader[] = [];
    const fleet = new LoadFleet(loaders, clkTck);
    try {
      for (let id = 0; id < count; id++) {
        const init: LoadInit = { id, url: urlFor(id), referenceTopics, lifetimeMs, connectTimeoutMs: 30_000 };
        const pending: Loader['pending'] = new Map();
        let readyResolve!: () => void;
        let readyReject!: (e: Error) => void;
        const ready = new Promise<void>((res, rej) => ((readyResolve = res), (readyReject = rej)));
        const proc = track(
          Bun.spawn(['bun', `${BENCH}load/main.ts`, JSON.stringify(init)], {
            cwd: ROOT,
            stdin: 'ignore',
            stdout: 'inherit',
            stderr: 'inherit',
            ipc(message: unknown) {
              const m = message as LoadMessage;
              if (m.type === 'ready') readyResolve();
              else if (m.type === 'fatal') readyReject(new Error(`load process ${id}: ${m.message}`));
              else if (m.type === 'reply') settle(pending, m.reply);
            },
          }),
        );
        void proc.exited.then((code) => {
          const error = new Error(`load process ${id} exited (${code})`);
          readyReject(error);
          for (const p of pending.values()) p.reject(error);
          pending.clear();
        });
        loaders.push({ proc, pending, ready });
      }
      await withTimeout(Promise.all(loaders.map((l) => l.ready)), 30_000, 'load processes did not get ready');
      return fleet;
    } catch (error) {
      await fleet.stop();
      throw error;
    }
  }

  /** Send one command to loader `i` and wait for its reply. */
  request<T>(i: number, body: CommandBody, timeoutMs = 120_000): Promise<T> {
    const loader = this.loaders[i];
    if (loader === undefined) return Promise.reject(new Error(`no load process ${i}`));
    const id = this.nextId++;
    const reply = new Promise<T>((resolve, reject) =>
      loader.pending.set(id, { resolve: resolve as (v: unknown) => void, reject }),
    );
    loader.proc.send({ ...body, id });
    return withTimeout(reply, timeoutMs, `load process ${i}: no reply to ${body.cmd}`);
  }

  /** The same (or a per-loader) command to every loader at once. */
  all<T>(body: CommandBody | ((i: number) => CommandBody), timeoutMs?: number): Promise<T[]> {
    return Promise.all(
      this.loaders.map((_, i) => this.request<T>(i, typeof body === 'function' ? body(i) : body, timeoutMs)),
    );
  }

  /** CPU seconds used so far by all load processes together. */
  cpuSeconds(): number {
    let total = 0;
    for (const l of this.loaders) {
      try {
        total += cpuSeconds(l.proc.pid, this.clkTck);
      } catch {
        // Already gone.
      }
    }
    return total;
  }

  async stop(): Promise<void> {
    await Promise.all(
      this.loaders.map(async (l) => {
        if (l.proc.exitCode !== null || l.proc.signalCode !== null) return;
        l.proc.kill('SIGTERM');
        const timer = setTimeout(() => l.proc.kill('SIGKILL'), 3000);
        await l.proc.exited;
        clearTimeout(timer);
      }),
    );
  }
}

function settle(pending: Loader['pending'], reply: Reply): void {
  const p = pending.get(reply.id);
  if (p === undefined) return;
  pending.delete(reply.id);
  if (reply.ok) p.resolve(reply.result);
  else p.reject(new Error(reply.error));
}

export function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  return Promise.race([
    promise.finally(() => clearTimeout(timer)),
    new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`${what} within ${ms} ms`)), ms))),
  ]);
}
