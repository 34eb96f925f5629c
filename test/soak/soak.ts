// Soak: thousands of connections with connect/subscribe churn, slow consumers and resumes against a fast simulation.
// `bun test/soak/soak.ts '{"durationMs":300000,...}'` for a long run (see RELIABILITY.md); test/soak/soak.test.ts runs a short one in CI.
import { readFileSync } from 'node:fs';
import { ROOT, startServer } from '../helpers/server-process.ts';

export interface SoakOptions {
  durationMs: number;
  /** Load processes; each runs steady + churn + subChurn + slow clients. */
  processes: number;
  steady: number;
  churn: number;
  subChurn: number;
  slow: number;
  /** Symbols ticking every 10 ms: the event rate (symbols × 100/s). */
  symbols: number;
  /** How long a slow client stops reading (long enough for kernel buffers and the send buffer to fill). */
  slowPauseMs: number;
  /** Events kept for resume; must cover a slow client's pause. Memory is compared once it is full. */
  history: number;
}

export interface SoakReport {
  options: SoakOptions;
  clients: Record<string, number>;
  closes: Record<string, number>;
  metrics: Record<string, number>;
  rss: { baselineMiB: number; maxMiB: number; finalMiB: number };
  heap: { baselineMiB: number; finalMiB: number };
  serverAlive: boolean;
}

const rss = (pid: number) =>
  Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0) / 1024;
const metric = (text: string, name: string) =>
  Number(new RegExp(`^${name}(?:\\{[^}]*\\})? (\\S+)$`, 'm').exec(text)?.[1] ?? NaN);

export async function runSoak(options: SoakOptions): Promise<SoakReport> {
  const server = await startServer([
    '--market-interval-ms',
    '10',
    '--market-data',
    'off',
    '--agent-interval-ms',
    '50',
    '--arena-round-ms',
    '2000',
    '--symbols',
    ['BTC-USD', 'ETH-USD', ...Array.from({ length: Math.max(0, options.symbols - 2) }, (_, i) => `S${i}-USD`)].join(
      ',',
    ),
    '--send-buffer-bytes',
    '65536',
    '--history',
    String(options.history),
    '--max-connections',
    '100000',
  ]);
  const pid = server.proc.pid;
  try {
    const heapOf = async () =>
      metric(await (await fetch(`${server.metrics}/metrics`)).text(), 'lineage_process_heap_bytes') / 1048576;
    const procs = Array.from({ length: options.processes }, () =>
      Bun.spawn(['bun', `${ROOT}test/soak/soak-client.ts`], {
        env: {
          ...process.env,
          SOAK_CLIENT: JSON.stringify({
            url: server.url,
            durationMs: options.durationMs,
            steady: options.steady,
            churn: options.churn,
            subChurn: options.subChurn,
            slow: options.slow,
            slowPauseMs: options.slowPauseMs,
          }),
        },
        stdout: 'pipe',
        stderr: 'inherit',
      }),
    );
    // The baseline is taken once the resume history is full, so that its growth is not mistaken for a leak.
    await Bun.sleep(Math.min(options.durationMs / 2, (options.history / (options.symbols * 100)) * 1000 + 2000));
    const baselineMiB = rss(pid);
    const baselineHeap = await heapOf();
    let maxMiB = baselineMiB;
    const sampler = setInterval(() => (maxMiB = Math.max(maxMiB, rss(pid))), 500);
    const outputs = await Promise.all(
      procs.map(async (p) => (await new Response(p.stdout).text()).trim().split('\n').at(-1) ?? '{}'),
    );
    clearInterval(sampler);
    await Bun.sleep(2000);
    const finalMiB = rss(pid);
    const finalHeap = await heapOf();
    const clients: Record<string, number> = {};
    const closes: Record<string, number> = {};
    for (const out of outputs) {
      const r = JSON.parse(out) as Record<string, number | Record<string, number>>;
      for (const [k, v] of Object.entries(r)) {
        if (typeof v === 'number') clients[k] = (clients[k] ?? 0) + v;
        else for (const [c, n] of Object.entries(v)) closes[c] = (closes[c] ?? 0) + n;
      }
    }
    const text = await (await fetch(`${server.metrics}/metrics`)).text();
    const metrics = {
      connections_opened: metric(text, 'lineage_connections_opened_total'),
      slow_consumers_closed: metric(text, 'lineage_slow_consumers_closed_total'),
      active_connections: metric(text, 'lineage_active_connections'),
      messages_broadcast: metric(text, 'lineage_messages_broadcast_total'),
      resumes_ok: Number(/^lineage_resume_requests_total\{outcome="resumed"\} (\S+)$/m.exec(text)?.[1] ?? NaN),
    };
    return {
      options,
      clients,
      closes,
      metrics,
      rss: { baselineMiB: round(baselineMiB), maxMiB: round(maxMiB), finalMiB: round(finalMiB) },
      heap: { baselineMiB: round(baselineHeap), finalMiB: round(finalHeap) },
      serverAlive: server.proc.exitCode === null,
    };
  } finally {
    await server.stop('SIGKILL');
  }
}

const round = (x: number) => Math.round(x * 10) / 10;

if (import.meta.main) {
  // bun test/soak/soak.ts '{"durationMs":300000,"processes":3,"steady":150,"churn":400,"subChurn":250,"slow":5,"symbols":4,"slowPauseMs":90000,"history":60000}'
  const defaults: SoakOptions = {
    durationMs: 300_000,
    processes: 3,
    steady: 150,
    churn: 400,
    subChurn: 250,
    slow: 5,
    symbols: 4,
    slowPauseMs: 90_000,
    history: 60_000,
  };
  const report = await runSoak({ ...defaults, ...(JSON.parse(process.argv[2] ?? '{}') as Partial<SoakOptions>) });
  console.log(JSON.stringify(report, null, 2));
}
