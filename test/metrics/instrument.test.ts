// The instrumentation API for users' own code, and per-agent series existing only for live agents.
import { afterEach, describe, expect, test } from 'bun:test';
import { AgentBook } from '../../src/metrics/agent-book.ts';
import { serveLineageMetrics } from '../../src/metrics/instrument.ts';
import { MetricsRegistry } from '../../src/metrics/registry.ts';
import { SimMetrics } from '../../src/metrics/sim-metrics.ts';
import type { SimStats } from '../../src/protocol/worker-messages.ts';

let stop: (() => Promise<void>) | null = null;
afterEach(async () => {
  await stop?.();
  stop = null;
});

describe('serveLineageMetrics (the custom collector pattern)', () => {
  test("records your agents into the seed's metric names, served on /metrics", async () => {
    const metrics = serveLineageMetrics({ port: 0 });
    stop = metrics.stop;
    metrics.updateAgentStats('MyBot', { capital: 101250.5, winRate: 0.58, trades: 12, scars: 1 });
    metrics.incrementErrors();
    metrics.incrementErrors(2);
    const text = await (await fetch(`http://127.0.0.1:${metrics.server.port}/metrics`)).text();
    expect(text).toContain('lineage_agent_capital{agent="MyBot"} 101250.5');
    expect(text).toContain('lineage_agent_win_rate{agent="MyBot"} 0.58');
    expect(text).toContain('lineage_agent_trades_total{agent="MyBot"} 12');
    expect(text).toContain('lineage_agent_scars_total{agent="MyBot"} 1');
    expect(text).toContain('lineage_custom_api_errors_total 3');
    expect(metrics.removeAgent('MyBot')).toBe(true);
    const after = await (await fetch(`http://127.0.0.1:${metrics.server.port}/metrics`)).text();
    expect(after).not.toContain('agent="MyBot"');
    expect((await fetch(`http://127.0.0.1:${metrics.server.port}/health`)).status).toBe(200);
  });

  test('bad values are refused with a message naming the field; trades never go backwards', async () => {
    const metrics = serveLineageMetrics({ port: 0 });
    stop = metrics.stop;
    expect(() => metrics.updateAgentStats('X', { capital: Number.NaN, winRate: 0.5 })).toThrow('capital');
    expect(() => metrics.updateAgentStats('X', { capital: 1, winRate: 1.5 })).toThrow('winRate');
    expect(() => metrics.updateAgentStats('bad id with spaces', { capital: 1, winRate: 0.5 })).toThrow('agentId');
    expect(() => metrics.incrementErrors(-1)).toThrow('count');
    metrics.updateAgentStats('X', { capital: 1, winRate: 0.5, trades: 10 });
    metrics.updateAgentStats('X', { capital: 1, winRate: 0.5, trades: 3 });
    const text = await (await fetch(`http://127.0.0.1:${metrics.server.port}/metrics`)).text();
    expect(text).toContain('lineage_agent_trades_total{agent="X"} 10');
  });
});

describe('per-agent series', () => {
  const stats = (ids: string[]): SimStats => ({
    cache_hits: 99,
    cache_misses: 1,
    requests: 10,
    successes: 9,
    failures: 1,
    trades: 5,
    rounds: 2,
    skips: 0,
    step_ms: [0.2],
    matching_ms: { flow: [], agents: [] },
    venues: [],
    agents: ids.map((agent_id) => ({
      agent_id,
      capital: 100000,
      trades_executed: 3,
      win_rate: 0.5,
      scars: 0,
      wins: 1,
      final_capital: null,
    })),
  });

  test('exist only for live agents: a dead agent’s series vanish, a newborn’s appear', async () => {
    const book = new AgentBook();
    const registry = new MetricsRegistry([book]);
    const sim = new SimMetrics(registry, book);
    sim.update(stats(['Balanced', 'Momentum']));
    let text = await registry.scrape();
    expect(text).toContain('lineage_agent_capital{agent="Balanced"}');
    sim.update(stats(['Momentum', 'Momentum-g2-1']));
    text = await registry.scrape();
    expect(text).not.toContain('agent="Balanced"');
    expect(text).toContain('lineage_arena_agent_wins_total{agent="Momentum-g2-1"} 1');
    expect(text).toContain('lineage_cache_hit_rate 99');
    expect(text).toContain('lineage_request_success_rate 90');
    expect(text).toContain('lineage_api_errors_total 1');
    expect(text).toContain('lineage_arena_rounds_total 2');
    await registry.shutdown();
  });

  test('rates cover the last minute, not the whole run', async () => {
    let now = 0;
    const book = new AgentBook();
    const registry = new MetricsRegistry([book]);
    const sim = new SimMetrics(registry, book, () => now);
    const at = (hits: number, misses: number) => ({ ...stats([]), cache_hits: hits, cache_misses: misses });
    sim.update(at(10_000, 0));
    now = 120_000;
    sim.update(at(10_000, 0));
    now = 150_000;
    sim.update(at(10_050, 50));
    // Over the window: 50 hits, 50 misses → 50%, although the whole run is ~99.5%.
    expect(await registry.scrape()).toContain('lineage_cache_hit_rate 50');
    await registry.shutdown();
  });
});
