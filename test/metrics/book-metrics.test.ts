// The order books' series from the worker's stats: per symbol (and side), absent while a side is empty, no agent label.
import { describe, expect, test } from 'bun:test';
import { BookMetrics } from '../../src/metrics/book-metrics.ts';
import { MetricsRegistry } from '../../src/metrics/registry.ts';
import type { SimStats } from '../../src/protocol/worker-messages.ts';

type Venue = SimStats['venues'][number];

const BTC: Venue = {
  symbol: 'BTC-USD',
  best_bid: 44_990,
  best_ask: 45_010,
  spread: 20,
  spread_bps: 4.44,
  bid_depth: 31.5,
  ask_depth: 28.25,
  trades: 120,
  volume: 3.5,
  resting_orders: 40,
};
/** A book whose ask side is empty. */
const SOL: Venue = {
  symbol: 'SOL-USD',
  best_bid: 99.9,
  best_ask: null,
  spread: null,
  spread_bps: null,
  bid_depth: 1500,
  ask_depth: 0,
  trades: 7,
  volume: 42,
  resting_orders: 12,
};

function setup() {
  const registry = new MetricsRegistry();
  return { registry, books: new BookMetrics(registry) };
}

describe('BookMetrics', () => {
  test('exports spread, depth per side, best quotes, mid, resting orders, trades and volume per symbol', async () => {
    const { registry, books } = setup();
    books.update({ venues: [BTC, SOL], matching_ms: { flow: [], agents: [] } });
    const text = await registry.scrape();
    for (const line of [
      'lineage_book_spread{symbol="BTC-USD"} 20',
      'lineage_book_spread_bps{symbol="BTC-USD"} 4.44',
      'lineage_book_depth{symbol="BTC-USD",side="bid"} 31.5',
      'lineage_book_depth{symbol="BTC-USD",side="ask"} 28.25',
      'lineage_book_best_price{symbol="BTC-USD",side="bid"} 44990',
      'lineage_book_best_price{symbol="BTC-USD",side="ask"} 45010',
      'lineage_book_mid_price{symbol="BTC-USD"} 45000',
      'lineage_book_resting_orders{symbol="BTC-USD"} 40',
      'lineage_book_trades_total{symbol="BTC-USD"} 120',
      'lineage_book_volume_total{symbol="BTC-USD"} 3.5',
      '# TYPE lineage_book_trades_total counter',
      '# TYPE lineage_book_depth gauge',
      // A one-sided book: its depth is 0 (what the alert watches), its spread, mid and missing quote are absent.
      'lineage_book_depth{symbol="SOL-USD",side="ask"} 0',
      'lineage_book_best_price{symbol="SOL-USD",side="bid"} 99.9',
    ])
      expect(text).toContain(line);
    expect(text).not.toMatch(/lineage_book_(spread|spread_bps|mid_price)\{symbol="SOL-USD"/);
    expect(text).not.toContain('lineage_book_best_price{symbol="SOL-USD",side="ask"}');
    expect(text).not.toContain('agent=');
    await registry.shutdown();
  });

  test('the latest stats replace the figures; trades and volume are the cumulative counts', async () => {
    const { registry, books } = setup();
    books.update({ venues: [BTC], matching_ms: { flow: [], agents: [] } });
    books.update({ venues: [{ ...BTC, trades: 130, volume: 4, bid_depth: 0 }], matching_ms: { flow: [], agents: [] } });
    const text = await registry.scrape();
    expect(text).toContain('lineage_book_trades_total{symbol="BTC-USD"} 130');
    expect(text).toContain('lineage_book_volume_total{symbol="BTC-USD"} 4');
    expect(text).toContain('lineage_book_depth{symbol="BTC-USD",side="bid"} 0');
    await registry.shutdown();
  });

  test('matching durations go to one histogram per phase, in seconds', async () => {
    const { registry, books } = setup();
    books.update({ venues: [], matching_ms: { flow: [0.02, 0.3, 4], agents: [1.5] } });
    books.update({ venues: [], matching_ms: { flow: [0.04], agents: [] } });
    const text = await registry.scrape();
    expect(text).toContain('# TYPE lineage_book_matching_seconds histogram');
    expect(text).toContain('lineage_book_matching_seconds_count{phase="flow"} 4');
    expect(text).toContain('lineage_book_matching_seconds_count{phase="agents"} 1');
    expect(text).toContain('lineage_book_matching_seconds_bucket{phase="flow",le="0.000025"} 1');
    expect(text).toContain('lineage_book_matching_seconds_bucket{phase="flow",le="0.00005"} 2');
    expect(text).toContain('lineage_book_matching_seconds_bucket{phase="agents",le="0.001"} 0');
    expect(text).toContain('lineage_book_matching_seconds_bucket{phase="agents",le="0.0025"} 1');
    expect(Number(/lineage_book_matching_seconds_sum\{phase="flow"\} (\S+)/.exec(text)?.[1])).toBeCloseTo(0.00436, 8);
    // No symbol ever observed: no book series at all.
    expect(text).not.toContain('lineage_book_spread');
    await registry.shutdown();
  });
});
