// Each symbol's order book as the worker last reported it: spread, depth per side, best quotes, resting orders,
// trades and volume, and how long matching takes. Labels: `symbol` (the configured symbols), `side`, `phase`; never
// an agent id, so the series are bounded by the symbol list.
import type { Attributes, Histogram, ObservableResult } from '@opentelemetry/api';
import type { SimStats } from '../protocol/worker-messages.ts';
import type { MetricsRegistry } from './registry.ts';

type Venue = SimStats['venues'][number];

/** Label values, each set defined once. */
export const BOOK_SIDES = ['bid', 'ask'] as const;
export type BookSide = (typeof BOOK_SIDES)[number];
export const MATCHING_PHASES = ['flow', 'agents'] as const;
export type MatchingPhase = (typeof MATCHING_PHASES)[number];

/** A venue's figures by side. */
const DEPTH: Record<BookSide, (v: Venue) => number> = { bid: (v) => v.bid_depth, ask: (v) => v.ask_depth };
const BEST: Record<BookSide, (v: Venue) => number | null> = { bid: (v) => v.best_bid, ask: (v) => v.best_ask };

export class BookMetrics {
  private venues: readonly Venue[] = [];
  private readonly matching: Histogram;
  private readonly attrs = new Map<string, Attributes>();

  constructor(registry: MetricsRegistry) {
    const m = registry.meter;
    /** One gauge whose value per symbol is `pick(venue)`; a null (one side empty) leaves that symbol out. */
    const gauge = (name: string, description: string, pick: (v: Venue) => number | null) =>
      m.createObservableGauge(name, { description }).addCallback((r) => this.each(r, pick));
    const counter = (name: string, description: string, pick: (v: Venue) => number) =>
      m.createObservableCounter(name, { description }).addCallback((r) => this.each(r, pick));
    const sided = (name: string, description: string, pick: Record<BookSide, (v: Venue) => number | null>) =>
      m.createObservableGauge(name, { description }).addCallback((r) => {
        for (const side of BOOK_SIDES) this.each(r, pick[side], side);
      });
    gauge(
      'lineage_book_spread',
      'Best ask minus best bid per symbol, in price units (absent while a side is empty)',
      (v) => v.spread,
    );
    gauge(
      'lineage_book_spread_bps',
      'Best ask minus best bid per symbol, in basis points of the mid',
      (v) => v.spread_bps,
    );
    sided('lineage_book_depth', 'Resting size per side of each book (base units, every level)', DEPTH);
    sided('lineage_book_best_price', 'Best bid and best ask per symbol (absent while that side is empty)', BEST);
    gauge('lineage_book_mid_price', 'Mid of best bid and best ask per symbol', (v) =>
      v.best_bid !== null && v.best_ask !== null ? (v.best_bid + v.best_ask) / 2 : null,
    );
    gauge('lineage_book_resting_orders', 'Orders resting in each book', (v) => v.resting_orders);
    counter('lineage_book_trades', 'Trades on each book (background flow and agents)', (v) => v.trades);
    counter('lineage_book_volume', 'Traded volume on each book (base units)', (v) => v.volume);
    this.matching = m.createHistogram('lineage_book_matching_seconds', {
      description:
        'Duration of one matching step in the worker: phase flow = a micro-step (makers requote, takers trade on every ' +
        'book); phase agents = a market step’s agent decisions with their market orders',
      advice: {
        explicitBucketBoundaries: [
          0.00001, 0.000025, 0.00005, 0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25,
        ],
      },
    });
  }

  /** One stats message from the worker. */
  update(stats: Pick<SimStats, 'venues' | 'matching_ms'>): void {
    this.venues = stats.venues;
    for (const phase of MATCHING_PHASES) {
      const attrs = this.a(phase, 'phase');
      for (const ms of stats.matching_ms[phase]) this.matching.record(ms / 1000, attrs);
    }
  }

  private each(r: ObservableResult, pick: (v: Venue) => number | null, side?: BookSide): void {
    for (const v of this.venues) {
      const value = pick(v);
      if (value !== null && Number.isFinite(value)) r.observe(value, this.a(v.symbol, 'symbol', side));
    }
  }

  /** Attribute sets are made once per label combination (symbols are few and fixed). */
  private a(value: string, key: 'symbol' | 'phase', side?: BookSide): Attributes {
    const k = `${key}=${value},${side ?? ''}`;
    let attrs = this.attrs.get(k);
    if (attrs === undefined) {
      attrs = side === undefined ? { [key]: value } : { [key]: value, side };
      this.attrs.set(k, attrs);
    }
    return attrs;
  }
}
