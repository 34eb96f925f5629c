// A real redis-server (Debian's package) on a free loopback port, restartable on the same port, for tests.
import type { Subprocess } from 'bun';
import { freePort } from './prometheus.ts';

export interface RedisProcess {
  port: number;
  url: string;
  /** The running server's pid (null while stopped). */
  readonly pid: number | null;
  stop(signal?: NodeJS.Signals): Promise<void>;
  start(): Promise<void>;
  /** Send a signal without waiting for an exit (SIGSTOP freezes it, SIGCONT resumes it). */
  signal(signal: NodeJS.Signals): void;
}

export async function startRedis(): Promise<RedisProcess> {
  const port = freePort();
  let proc: Subprocess | null = null;
  const r: RedisProcess = {
    port,
    url: `redis://127.0.0.1:${port}`,
    get pid() {
      return proc?.pid ?? null;
    },
    signal(signal: NodeJS.Signals) {
      proc?.kill(signal);
    },
    async start() {
      proc = Bun.spawn(
        [
          'redis-server',
          '--port',
          String(port),
          '--bind',
          '127.0.0.1',
          '--save',
          '',
          '--appendonly',
          'no',
          '--protected-mode',
          'yes',
        ],
        {
          stdout: 'ignore',
          stderr: 'ignore',
        },
      );
      const deadline = Date.now() + 10_000;
      for (;;) {
        try {
          const s = await Bun.connect({ hostname: '127.0.0.1', port, socket: { data() {} } });
          s.end();
          return;
        } catch {
          if (Date.now() > deadline || proc.exitCode !== null) throw new Error('redis-server did not start');
          await Bun.sleep(50);
        }
      }
    },
    async stop(signal: NodeJS.Signals = 'SIGTERM') {
      const p = proc;
      if (p === null) return;
      proc = null;
      p.kill(signal);
      if (signal !== 'SIGKILL') p.kill('SIGCONT');
      await p.exited;
    },
  };
  await r.start();
  return r;
}
