// At bench scale (1,000 agents x 50 symbols) agents really get quotes and trade. Timing is reported, not asserted:
// the figures belong to `bun bench/sim-step.ts`.
import { describe, expect, test } from 'bun:test';
import { measureSimStep } from '../../bench/sim-step.ts';

describe('bench scale', () => {
  test('1000 agents x 50 symbols get quotes through the cache and trade', () => {
    // 120 warm-up steps (past the longest lookback) + 150 measured: each step now runs its 19 flow micro-steps on
    // 50 books, so the 300 + 1000 steps of the benchmark would not fit a test's time.
    const { trades, hitRate } = measureSimStep('market step only', 1e12, 1e12, 120, 150);
    // A run where nobody gets quotes or trades would be fast for the wrong reason.
    expect(trades).toBeGreaterThan(10_000);
    expect(hitRate).toBeGreaterThan(90);
  });
});
