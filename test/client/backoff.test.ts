// Reconnect delays: exponential growth, the cap, and jitter bounds.
import { describe, expect, test } from 'bun:test';
import { backoffDelay, DEFAULT_BACKOFF, shutdownDelay } from '../../src/client/backoff.ts';

const opts = { initialMs: 100, maxMs: 5000, factor: 2, jitter: 0.5 };

describe('backoffDelay', () => {
  test('grows by the factor per attempt until the cap (no jitter when random() = 1)', () => {
    expect([0, 1, 2, 3, 4, 5, 6, 7].map((a) => backoffDelay(a, opts, () => 1))).toEqual([
      100, 200, 400, 800, 1600, 3200, 5000, 5000,
    ]);
  });

  test('jitter keeps every delay within [(1 - jitter)·d, d]', () => {
    for (let attempt = 0; attempt < 12; attempt++) {
      const ceiling = Math.min(opts.maxMs, opts.initialMs * 2 ** attempt);
      for (const r of [0, 0.25, 0.5, 0.99, 1]) {
        const d = backoffDelay(attempt, opts, () => r);
        expect(d).toBeGreaterThanOrEqual(Math.floor(ceiling * 0.5));
        expect(d).toBeLessThanOrEqual(ceiling);
      }
    }
    expect(backoffDelay(3, opts, () => 0)).toBe(400);
  });

  test('different random draws spread clients out', () => {
    const draws = [0.1, 0.4, 0.7, 0.95].map((r) => backoffDelay(4, opts, () => r));
    expect(new Set(draws).size).toBe(4);
  });

  test('huge, negative or non-finite attempts stay finite and bounded', () => {
    for (const attempt of [1e9, Number.MAX_SAFE_INTEGER, Infinity, -5, NaN]) {
      const d = backoffDelay(attempt, DEFAULT_BACKOFF, () => 1);
      expect(Number.isFinite(d)).toBe(true);
      expect(d).toBeLessThanOrEqual(DEFAULT_BACKOFF.maxMs);
      expect(d).toBeGreaterThan(0);
    }
    expect(backoffDelay(-5, opts, () => 1)).toBe(100);
  });

  test('out-of-range random() values are clamped', () => {
    expect(backoffDelay(0, opts, () => 7)).toBe(100);
    expect(backoffDelay(0, opts, () => -3)).toBe(50);
  });
});

describe('shutdownDelay', () => {
  test('retry_after_ms plus up to half of it (at least 250 ms) of jitter', () => {
    expect(shutdownDelay(2000, () => 0)).toBe(2000);
    expect(shutdownDelay(2000, () => 1)).toBe(3000);
    expect(shutdownDelay(0, () => 1)).toBe(125);
    expect(shutdownDelay(-5, () => 0)).toBe(0);
    expect(shutdownDelay(Number.NaN, () => 2)).toBe(125);
  });
});
