// A Lineage node under test seen from outside: CPU and RSS from /proc, and the connections it holds from its /health.
import type { ServerProcess } from './server-process.ts';

export interface NodeProbe {
  name: string;
  pid: number;
  cpuSeconds(): number;
  mainThreadCpuSeconds(): number;
  rssBytes(): number;
  /** WebSocket connections the node holds now (`connections` of its /health). */
  connections(): Promise<number>;
  /** A metric's value summed over its label sets (`lineage_broker_read_lag_seconds_sum`); 0 when it has none. */
  metric(name: string): Promise<number>;
}

/** `name`'s value in a Prometheus text exposition, summed over its label sets. Pure. */
export function metricValue(text: string, name: string): number {
  let sum = 0;
  for (const line of text.split('\n')) {
    if (!line.startsWith(name)) continue;
    const rest = line.slice(name.length);
    if (rest[0] !== ' ' && rest[0] !== '{') continue;
    const value = Number(rest.slice(rest.lastIndexOf(' ') + 1));
    if (Number.isFinite(value)) sum += value;
  }
  return sum;
}

/** The startup line naming a node's metrics address. */
export const METRICS_LINE = /Prometheus metrics on (http:\/\/\S+)\/metrics/;

async function healthStatus(url: string): Promise<number> {
  try {
    return (await fetch(url)).status;
  } catch {
    return 0;
  }
}

/** Wait until `server` (a Lineage node) has printed its metrics address and answers /health with 200. */
export async function probeNode(name: string, server: ServerProcess, timeoutMs = 30_000): Promise<NodeProbe> {
  const deadline = Date.now() + timeoutMs;
  let base: string | null = null;
  for (;;) {
    base ??= METRICS_LINE.exec(server.output())?.[1] ?? null;
    if (base !== null && (await healthStatus(`${base}/health`)) === 200) break;
    if (Date.now() > deadline) throw new Error(`${name} was not healthy within ${timeoutMs} ms:\n${server.output()}`);
    await Bun.sleep(100);
  }
  const health = `${base}/health`;
  const metrics = `${base}/metrics`;
  return {
    name,
    pid: server.pid,
    cpuSeconds: server.cpuSeconds,
    mainThreadCpuSeconds: server.mainThreadCpuSeconds,
    rssBytes: server.rssBytes,
    connections: async () => ((await (await fetch(health)).json()) as { connections: number }).connections,
    metric: async (name) => metricValue(await (await fetch(metrics)).text(), name),
  };
}
