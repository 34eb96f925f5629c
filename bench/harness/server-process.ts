// Runs a server under test as a direct child (its pid is the server), reads its URL, and always ends it.
import type { Subprocess } from 'bun';
import { cpuSeconds, rssBytes, threadCpuSeconds } from '../stats/proc-stats.ts';
import { track } from './children.ts';
import { ROOT } from './paths.ts';

const OUTPUT_LIMIT = 64 * 1024;

export interface ServerProcess {
  pid: number;
  /** What `ready` matched first (its first group): a server's ws:// URL. */
  url: string;
  cpuSeconds(): number;
  /** CPU seconds of its main thread alone. */
  mainThreadCpuSeconds(): number;
  rssBytes(): number;
  output(): string;
  /** SIGTERM, then SIGKILL after `graceMs`; resolves when the process is gone. */
  stop(graceMs?: number): Promise<void>;
}

const LISTENING = /WebSocket server listening on (ws:\/\/\S+)/;

/** Start `command` and wait until its output matches `ready` (a server's listening line, by default). */
export async function startServerProcess(
  command: string[],
  timeoutMs = 20_000,
  clkTck = 100,
  ready: RegExp = LISTENING,
): Promise<ServerProcess> {
  const proc: Subprocess<'ignore', 'pipe', 'pipe'> = track(
    Bun.spawn(command, { cwd: ROOT, stdin: 'ignore', stdout: 'pipe', stderr: 'pipe', env: { ...process.env } }),
  );
  let text = '';
  const pump = async (stream: ReadableStream<Uint8Array>) => {
    const decoder = new TextDecoder();
    for await (const chunk of stream) {
      text += decoder.decode(chunk, { stream: true });
      if (text.length > OUTPUT_LIMIT) text = text.slice(-OUTPUT_LIMIT / 2);
    }
  };
  void pump(proc.stdout);
  void pump(proc.stderr);
  const stop = async (graceMs = 5000) => {
    if (proc.exitCode !== null || proc.signalCode !== null) return;
    proc.kill('SIGTERM');
    const timer = setTimeout(() => proc.kill('SIGKILL'), graceMs);
    await proc.exited;
    clearTimeout(timer);
  };
  const deadline = Date.now() + timeoutMs;
  try {
    for (;;) {
      const m = ready.exec(text);
      if (m) {
        const url = m[1] ?? m[0];
        return {
          pid: proc.pid,
          url,
          cpuSeconds: () => cpuSeconds(proc.pid, clkTck),
          mainThreadCpuSeconds: () => threadCpuSeconds(proc.pid, proc.pid, clkTck),
          rssBytes: () => rssBytes(proc.pid),
          output: () => text,
          stop,
        };
      }
      if (proc.exitCode !== null) throw new Error(`${command.join(' ')} exited with ${proc.exitCode}:\n${text}`);
      if (Date.now() > deadline) throw new Error(`${command.join(' ')} did not start in ${timeoutMs} ms:\n${text}`);
      await Bun.sleep(20);
    }
  } catch (error) {
    await stop(500);
    throw error;
  }
}
