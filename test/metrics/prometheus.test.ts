// The real server scraped by a real Prometheus: every seed metric, the seed's PromQL, every dashboard query, the alerts.
import { afterAll, beforeAll, describe, expect, test } from 'bun:test';
import { TestClient } from '../helpers/clients.ts';
import { type PrometheusProcess, startPrometheus } from '../helpers/prometheus.ts';
import { ROOT, type ServerProcess, startServer } from '../helpers/server-process.ts';

// Seed 5 keeps the seed's Balanced, Momentum and Conservative alive through the first rounds (the model is deterministic).
const ARGS = [
  '--seed',
  '5',
  '--agents',
  '8',
  '--market-interval-ms',
  '50',
  '--market-data',
  'off',
  '--agent-interval-ms',
  '100',
  '--arena-round-ms',
  '2000',
];

export const SEED_METRICS: Record<string, string> = {
  lineage_cache_hit_rate: 'gauge',
  lineage_request_success_rate: 'gauge',
  lineage_api_errors_total: 'counter',
  lineage_agent_capital: 'gauge',
  lineage_agent_trades_total: 'counter',
  lineage_agent_win_rate: 'gauge',
  lineage_agent_scars_total: 'counter',
  lineage_arena_rounds_total: 'counter',
  lineage_arena_agent_wins_total: 'counter',
  lineage_arena_agent_final_capital: 'gauge',
  lineage_active_connections: 'gauge',
  lineage_messages_broadcast_total: 'counter',
  lineage_uptime_seconds: 'gauge',
};

const SEED_QUERIES = [
  'lineage_agent_capital{agent="Balanced"}',
  'lineage_agent_win_rate',
  'rate(lineage_api_errors_total[5m])',
  'avg(lineage_agent_capital)',
  'topk(3, lineage_agent_capital)',
  'lineage_agent_capital',
  'lineage_request_success_rate',
];
const SEED_ALERTS = ['lineage_agent_capital < 50000', 'lineage_cache_hit_rate < 90'];

let server: ServerProcess;
let prom: PrometheusProcess;
let client: TestClient;
let exposition = '';

beforeAll(async () => {
  server = await startServer(ARGS);
  client = await TestClient.open(server.url, 'ws');
  const target = server.metrics.replace('http://', '');
  prom = await startPrometheus([target], [`${ROOT}grafana/alerts.yml`]);
  // Wait for a completed arena round and a few scrapes, so rates and final capital have data.
  const deadline = Date.now() + 30_000;
  for (;;) {
    const r = await prom.query(
      'lineage_arena_rounds_total > 0 and on() count_over_time(lineage_uptime_seconds[1m]) >= 4',
    );
    if (r.status === 'success' && (r.data?.result.length ?? 0) > 0) break;
    if (Date.now() > deadline) throw new Error('prometheus never saw an arena round');
    await Bun.sleep(250);
  }
  exposition = await (await fetch(`${server.metrics}/metrics`)).text();
}, 60_000);

afterAll(async () => {
  client?.close();
  await prom?.stop();
  await server?.stop('SIGKILL');
});

describe('/metrics', () => {
  test('every metric the seed names is there with HELP text and the right type', () => {
    for (const [name, type] of Object.entries(SEED_METRICS)) {
      expect(exposition).toContain(`# TYPE ${name} ${type}`);
      expect(exposition).toMatch(new RegExp(`# HELP ${name} \\S`));
      expect(exposition).toMatch(new RegExp(`^${name}(\\{[^}]*\\})? `, 'm'));
    }
    for (const agent of ['Balanced', 'Momentum', 'Conservative'])
      expect(exposition).toContain(`lineage_agent_capital{agent="${agent}"}`);
  });

  test('rates are percentages and win rates fractions', () => {
    const value = (name: string) => Number(new RegExp(`^${name} (\\S+)$`, 'm').exec(exposition)?.[1]);
    expect(value('lineage_cache_hit_rate')).toBeGreaterThan(1);
    expect(value('lineage_cache_hit_rate')).toBeLessThanOrEqual(100);
    expect(value('lineage_request_success_rate')).toBeGreaterThan(50);
    for (const m of exposition.matchAll(/^lineage_agent_win_rate\{[^}]*\} (\S+)$/gm)) {
      expect(Number(m[1])).toBeGreaterThanOrEqual(0);
      expect(Number(m[1])).toBeLessThanOrEqual(1);
    }
  });

  test('the operator metrics beyond the seed are exported', () => {
    for (const name of [
      'lineage_fanout_latency_seconds_bucket',
      'lineage_simulation_step_seconds_bucket',
      'lineage_topic_subscribers',
      'lineage_slow_consumers_closed_total',
      'lineage_resume_requests_total',
      'lineage_frames_rejected_total',
      'lineage_upgrades_rejected_total',
      'lineage_event_loop_lag_seconds_bucket',
      'lineage_process_heap_bytes',
      'lineage_process_resident_memory_bytes',
      'lineage_book_spread',
      'lineage_book_spread_bps',
      'lineage_book_depth',
      'lineage_book_best_price',
      'lineage_book_mid_price',
      'lineage_book_resting_orders',
      'lineage_book_trades_total',
      'lineage_book_volume_total',
      'lineage_book_matching_seconds_bucket',
    ]) {
      expect(exposition).toContain(name);
    }
  });

  test('the hub counters are counters, every label from 0, and count what happened', () => {
    for (const name of [
      'lineage_connections_opened_total',
      'lineage_connections_closed_total',
      'lineage_slow_consumers_closed_total',
      'lineage_frames_rejected_total',
      'lineage_upgrades_rejected_total',
      'lineage_resume_requests_total',
      'lineage_resume_replayed_events_total',
    ])
      expect(exposition).toContain(`# TYPE ${name} counter`);
    expect(Number(/^lineage_connections_opened_total (\d+)/m.exec(exposition)?.[1])).toBeGreaterThanOrEqual(1);
    expect(exposition).toMatch(/^lineage_connections_closed_total\{by="token_expired"\} 0$/m);
    expect(exposition).toMatch(/^lineage_resume_requests_total\{outcome="[a-z_]+"\} \d+$/m);
  });

  test('passes promtool check metrics', async () => {
    const proc = Bun.spawn(['promtool', 'check', 'metrics'], {
      stdin: new Blob([exposition]),
      stdout: 'pipe',
      stderr: 'pipe',
    });
    const [out, err, code] = await Promise.all([
      new Response(proc.stdout).text(),
      new Response(proc.stderr).text(),
      proc.exited,
    ]);
    expect(`${out}${err}`.trim()).toBe('');
    expect(code).toBe(0);
  });
});

/** Every sample of `name` in an exposition, with its labels. */
function samples(text: string, name: string): { labels: Record<string, string>; value: number }[] {
  return [...text.matchAll(new RegExp(`^${name}\\{([^}]*)\\} (\\S+)$`, 'gm'))].map((m) => ({
    labels: Object.fromEntries([...(m[1] as string).matchAll(/(\w+)="([^"]*)"/g)].map((l) => [l[1], l[2]])),
    value: Number(m[2]),
  }));
}
/** name{symbol} → value, for the symbols' series of one family (and one side). */
function bySymbol(text: string, name: string, side?: 'bid' | 'ask'): Record<string, number> {
  const rows = samples(text, name).filter((s) => side === undefined || s.labels.side === side);
  return Object.fromEntries(rows.map((s) => [s.labels.symbol, s.value]));
}
const SYMBOLS = ['BTC-USD', 'ETH-USD', 'SOL-USD', 'XRP-USD', 'ADA-USD', 'DOGE-USD', 'AVAX-USD', 'LINK-USD'];
const scrape = async () => (await fetch(`${server.metrics}/metrics`)).text();
/** A book may be one-sided for an instant (makers requote every micro-step): scrape again until every book is whole. */
async function twoSidedScrape(): Promise<string> {
  for (let i = 0; ; i++) {
    const text = await scrape();
    if (Object.keys(bySymbol(text, 'lineage_book_spread')).length === SYMBOLS.length || i === 10) return text;
    await Bun.sleep(300);
  }
}

describe('the order books on /metrics', () => {
  test('every symbol has a two-sided book: positive spread and depth on both sides, bid < mid < ask', async () => {
    const text = await twoSidedScrape();
    const spread = bySymbol(text, 'lineage_book_spread');
    const bps = bySymbol(text, 'lineage_book_spread_bps');
    const bid = bySymbol(text, 'lineage_book_best_price', 'bid');
    const ask = bySymbol(text, 'lineage_book_best_price', 'ask');
    const mid = bySymbol(text, 'lineage_book_mid_price');
    expect(Object.keys(spread).sort()).toEqual([...SYMBOLS].sort());
    for (const symbol of SYMBOLS) {
      const row = { symbol, spread: spread[symbol]!, bps: bps[symbol]!, bid: bid[symbol]!, ask: ask[symbol]! };
      expect({ symbol, positive: row.spread > 0 && row.bps > 0 && row.bps < 1000 }).toEqual({ symbol, positive: true });
      expect(row.ask - row.bid).toBeCloseTo(row.spread, 6);
      expect(mid[symbol]!).toBeGreaterThan(row.bid);
      expect(mid[symbol]!).toBeLessThan(row.ask);
      for (const side of ['bid', 'ask'] as const)
        expect({ symbol, side, depth: bySymbol(text, 'lineage_book_depth', side)[symbol]! > 0 }).toEqual({
          symbol,
          side,
          depth: true,
        });
      expect(bySymbol(text, 'lineage_book_resting_orders')[symbol]!).toBeGreaterThan(0);
    }
    // Only symbols (and sides) label the book series: never an agent.
    expect(text).not.toMatch(/^lineage_book_\w+\{[^}]*agent=/m);
  });

  test("each symbol's trade and volume counters grow between two scrapes", async () => {
    const first = await scrape();
    await Bun.sleep(2200);
    const second = await scrape();
    for (const name of ['lineage_book_trades_total', 'lineage_book_volume_total']) {
      const before = bySymbol(first, name);
      const after = bySymbol(second, name);
      for (const symbol of SYMBOLS)
        expect({ name, symbol, grew: after[symbol]! > before[symbol]! }).toEqual({ name, symbol, grew: true });
    }
  });

  test('matching time: both phases are timed, a share of all steps, in plausible seconds', () => {
    const matching = samples(exposition, 'lineage_book_matching_seconds_count');
    const phases = Object.fromEntries(matching.map((s) => [s.labels.phase, s.value]));
    expect(matching.map((s) => Object.keys(s.labels))).toEqual([['phase'], ['phase']]);
    expect(phases.flow).toBeGreaterThan(0);
    expect(phases.agents).toBeGreaterThan(0);
    // The flow runs 19 micro-steps per market step, each market step's decisions once.
    expect(phases.flow!).toBeGreaterThan(phases.agents!);
    const steps = Number(/^lineage_simulation_step_seconds_count (\S+)$/m.exec(exposition)?.[1]);
    expect(phases.flow! + phases.agents!).toBeLessThan(steps);
    for (const s of samples(exposition, 'lineage_book_matching_seconds_sum'))
      expect(s.value / (phases[s.labels.phase as string] ?? 1)).toBeLessThan(0.05);
  });
});

describe('a real Prometheus scraping the real server', () => {
  test('every PromQL query of the seed guide returns data', async () => {
    for (const q of SEED_QUERIES) {
      const r = await prom.query(q);
      expect({ q, status: r.status }).toEqual({ q, status: 'success' });
      expect({ q, n: (r.data?.result.length ?? 0) > 0 }).toEqual({ q, n: true });
    }
    for (const q of SEED_ALERTS) expect((await prom.query(q)).status).toBe('success');
  });

  test('every query of every dashboard panel returns data', async () => {
    const dashboard = await Bun.file(`${ROOT}grafana/dashboards/lineage.json`).json();
    let checked = 0;
    for (const panel of dashboard.panels) {
      for (const target of panel.targets) {
        const expr = String(target.expr).replaceAll('$instance', '.*').replaceAll('$__rate_interval', '1m');
        const r = await prom.query(expr);
        expect({ panel: panel.title, expr, status: r.status }).toEqual({ panel: panel.title, expr, status: 'success' });
        expect({ panel: panel.title, expr, data: (r.data?.result.length ?? 0) > 0 }).toEqual({
          panel: panel.title,
          expr,
          data: true,
        });
        checked++;
      }
    }
    expect(checked).toBeGreaterThanOrEqual(26);
    const variable = await prom.query('count by (instance) (lineage_uptime_seconds)');
    expect(variable.data?.result.length).toBe(1);
  });

  test('the order books through PromQL: trades/s per symbol and the matching p99 per phase', async () => {
    const trades = await prom.query('sum by (symbol) (rate(lineage_book_trades_total[1m])) > 0');
    expect(trades.data?.result.map((r: any) => r.metric.symbol).sort()).toEqual([...SYMBOLS].sort());
    const p99 = await prom.query(
      'histogram_quantile(0.99, sum by (le, phase) (rate(lineage_book_matching_seconds_bucket[1m])))',
    );
    const byPhase = Object.fromEntries<number>(
      p99.data?.result.map((r: any) => [r.metric.phase, Number(r.value[1])]) ?? [],
    );
    expect(Object.keys(byPhase).sort()).toEqual(['agents', 'flow']);
    for (const v of Object.values(byPhase)) expect(v > 0 && v < 0.25).toBe(true);
    // A one-sided book is what the alert watches: none lasts, so it stays inactive here.
    const oneSided = await prom.query('ALERTS{alertname="LineageBookOneSided", alertstate="firing"}');
    expect(oneSided.data?.result).toEqual([]);
  });

  test('the alert rules load and evaluate against real data', async () => {
    const res = (await (await fetch(`${prom.url}/api/v1/rules`)).json()) as any;
    const rules = res.data.groups.flatMap((g: any) => g.rules);
    expect(rules.map((r: any) => r.name).sort()).toEqual([
      'LineageAgentCapitalLow',
      'LineageApiErrorRateHigh',
      'LineageBookOneSided',
      'LineageBookSpreadWide',
      'LineageCacheHitRateLow',
      'LineageDown',
      'LineageSlowConsumers',
    ]);
    for (const rule of rules) {
      expect({ rule: rule.name, health: rule.health }).toEqual({ rule: rule.name, health: 'ok' });
      expect((await prom.query(rule.query)).status).toBe('success');
    }
  });
});
