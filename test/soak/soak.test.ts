// The short soak (CI): churn, re-subscribes, slow consumers and resumes against a fast simulation — nothing lost.
import { describe, expect, test } from 'bun:test';
import { runSoak } from './soak.ts';

describe('soak (short)', () => {
  test('connect/subscribe churn, slow consumers and resumes: 0 lost, every slow consumer closed 1013 and resumed, metrics agree, memory bounded', async () => {
    const r = await runSoak({
      durationMs: 35_000,
      processes: 2,
      steady: 25,
      churn: 40,
      subChurn: 30,
      slow: 5,
      symbols: 30,
      slowPauseMs: 12_000,
      history: 60_000,
    });
    console.log(`[soak] ${JSON.stringify(r)}`);
    expect(r.serverAlive).toBe(true);
    expect(r.clients.connectFailures).toBe(0);
    expect(r.clients.lost).toBe(0);
    expect(r.clients.duplicated).toBe(0);
    expect(r.clients.deliveries).toBeGreaterThan(1_000_000);
    // Every slow client was closed with 1013 at least once, and every one of those resumed without loss.
    expect(r.clients.slowClosed1013).toBeGreaterThanOrEqual(2 * 5);
    // (A slow client closed in the last moments of the run may not have had time to resume.)
    expect(r.clients.slowResumed).toBeGreaterThanOrEqual((r.clients.slowClosed1013 ?? 0) - 2 * 5);
    expect(r.clients.slowResumed).toBeGreaterThan(0);
    expect(r.clients.resumeFailed).toBe(0);
    // What the server counted agrees with what the clients saw.
    expect(r.metrics.connections_opened).toBe(r.clients.connects);
    expect(r.metrics.slow_consumers_closed).toBe(r.closes['1013'] ?? 0);
    expect(r.metrics.resumes_ok).toBe(r.clients.resumedOk);
    expect(r.metrics.active_connections).toBe(0);
    // Memory is compared after the resume history is full: churn must not grow it without bound.
    expect(r.rss.finalMiB).toBeLessThan(r.rss.baselineMiB * 1.35);
  }, 120_000);
});
