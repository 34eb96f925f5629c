// Runs `bun run server` as a subprocess on free ports, exactly as a user would, and reads the bound URLs from its output.
import type { Subprocess } from 'bun';

export const ROOT = new URL('../..', import.meta.url).pathname;

export interface ServerProcess {
  proc: Subprocess<'ignore', 'pipe', 'pipe'>;
  url: string;
  http: string;
  metrics: string;
  output(): string;
  /** SIGTERM, then wait for exit; returns the exit code and how long it took. */
  stop(signal?: NodeJS.Signals): Promise<{ code: number | null; ms: number }>;
}

/** Child pids of a process (from /proc), so `bun run`'s own child is never orphaned. */
function childrenOf(pid: number): number[] {
  try {
    const text = require('node:fs').readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8') as string;
    return text.split(/\s+/).filter(Boolean).map(Number);
  } catch {
    return [];
  }
}

export interface StartOptions {
  /** Start through `bun run server` exactly as a user would (default: `bun src/main.ts`, so the pid is the server's). */
  viaBunRun?: boolean;
  timeoutMs?: number;
  /** Run under `ulimit -n <fdLimit>` (a lowered file-descriptor limit, as on a small host). */
  fdLimit?: number;
  /** Run the server under another command (e.g. `strace -f -o …`); `stop` signals the server, not the wrapper. */
  wrapper?: string[];
}

export async function startServer(
  args: string[] = [],
  env: Record<string, string> = {},
  opts: StartOptions = {},
): Promise<ServerProcess> {
  const timeoutMs = opts.timeoutMs ?? 20_000;
  const bun = [...(opts.wrapper ?? []), ...(opts.viaBunRun ? ['bun', 'run', 'server'] : ['bun', 'src/main.ts'])];
  // `exec` keeps the pid the server's own.
  const command =
    opts.fdLimit === undefined ? bun : ['sh', '-c', `ulimit -n ${opts.fdLimit} && exec "$@"`, 'sh', ...bun];
  const proc = Bun.spawn([...command, '--port', '0', '--metrics-port', '0', '--db', ':memory:', ...args], {
    cwd: ROOT,
    env: { ...process.env, ...env },
    stdin: 'ignore',
    stdout: 'pipe',
    stderr: 'pipe',
  });
  let text = '';
  const pump = async (stream: ReadableStream<Uint8Array>) => {
    const decoder = new TextDecoder();
    for await (const chunk of stream) text += decoder.decode(chunk, { stream: true });
  };
  void pump(proc.stdout);
  void pump(proc.stderr);
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const ws = /WebSocket server listening on (ws:\/\/\S+)/.exec(text);
    const metrics = /Prometheus metrics on (http:\/\/\S+)\/metrics/.exec(text);
    // The line after the dashboard's says where the story comes from ("restored from …"): ready once it is out too.
    const described = /Dashboard on \S+\n[^\n]+\n/.test(text);
    if (ws && metrics && described) {
      const url = ws[1] as string;
      return {
        proc,
        url,
        http: url.replace('ws://', 'http://'),
        metrics: metrics[1] as string,
        output: () => text,
        async stop(signal: NodeJS.Signals = 'SIGTERM') {
          const t0 = Date.now();
          const children = opts.viaBunRun ? childrenOf(proc.pid) : [];
          if (opts.wrapper) {
            // Signal the server itself; its wrapper exits with it.
            for (const c of childrenOf(proc.pid))
              try {
                process.kill(c, signal);
              } catch {}
            const code = await proc.exited;
            return { code, ms: Date.now() - t0 };
          }
          if (proc.exitCode === null) proc.kill(signal);
          if (signal === 'SIGKILL')
            for (const c of children)
              try {
                process.kill(c, 'SIGKILL');
              } catch {}
          const code = await proc.exited;
          return { code, ms: Date.now() - t0 };
        },
      };
    }
    if (proc.exitCode !== null || Date.now() > deadline) {
      for (const c of opts.viaBunRun || opts.wrapper ? childrenOf(proc.pid) : [])
        try {
          process.kill(c, 'SIGKILL');
        } catch {}
      proc.kill('SIGKILL');
      throw new Error(`server did not start (exit ${proc.exitCode}):\n${text}`);
    }
    await Bun.sleep(20);
  }
}

/** Run the server with arguments expected to fail; returns exit code and output. */
export async function runServerExpectingExit(
  args: string[],
  env: Record<string, string> = {},
): Promise<{ code: number; output: string }> {
  const proc = Bun.spawn(['bun', 'src/main.ts', ...args], {
    cwd: ROOT,
    env: { ...process.env, ...env },
    stdout: 'pipe',
    stderr: 'pipe',
  });
  const timer = setTimeout(() => proc.kill('SIGKILL'), 20_000);
  const [out, err, code] = await Promise.all([
    new Response(proc.stdout).text(),
    new Response(proc.stderr).text(),
    proc.exited,
  ]);
  clearTimeout(timer);
  return { code, output: out + err };
}
