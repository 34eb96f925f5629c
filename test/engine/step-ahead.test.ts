// The real simulation worker with steps that take a while (a test knob spins in every eventful step, as 1,000 agents
// on 50 symbols would): each step is computed ahead, so its events leave when due instead of a step's work later,
// and never before their time; queries asked meanwhile are answered as of what has been handed out.
import { describe, expect, test } from 'bun:test';
import { SimulationHost } from '../../src/engine/host.ts';
import type { PublishedEvent, WorkerStartOptions } from '../../src/protocol/worker-messages.ts';
import { workerOptions } from '../helpers/worker-options.ts';

const SLOW_MS = 12;
const INTERVAL = 150;
const QUERIES = 60;

const options = (slowStepMs: number): WorkerStartOptions =>
  workerOptions({ seed: 5, symbols: ['BTC-USD', 'ETH-USD'], marketIntervalMs: INTERVAL, testing: { slowStepMs } });

/** Each market tick's age when it reached the main thread (ms; its timestamp is its scheduled time). */
async function tickAges(slowStepMs: number, ms: number) {
  const host = new SimulationHost();
  const ages: number[] = [];
  /** The newest sequence handed to the main thread. */
  let seen = 0;
  await host.start(options(slowStepMs), {
    events: (batch: PublishedEvent[]) => {
      const now = Date.now();
      for (const e of batch) {
        seen = Math.max(seen, e.sequence);
        if (e.family === 'market') ages.push(now - Date.parse(JSON.parse(e.json).market.timestamp));
      }
    },
    fatal: (message) => {
      throw new Error(message);
    },
  });
  /** Each query's wait, its answer's position, and the newest sequence handed out when it was asked and answered. */
  const answers: { ms: number; sequence: number; asked: number; answered: number }[] = [];
  const asking = (async () => {
    for (let i = 0; i < QUERIES; i++) {
      const t0 = performance.now();
      const asked = seen;
      const { sequence } = (await host.query({ kind: 'agents', offset: 0, limit: 10 })) as { sequence: number };
      answers.push({ ms: performance.now() - t0, sequence, asked, answered: seen });
      await Bun.sleep(ms / (QUERIES + 5));
    }
  })();
  await Bun.sleep(ms);
  await asking;
  await host.stop();
  return { ages, answers };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number;

describe('a step computed ahead of its time', () => {
  test(`steps spinning ${SLOW_MS} ms: ticks leave when due, not a step's work later, and never early`, async () => {
    const { ages, answers } = await tickAges(SLOW_MS, 3000);
    // The first steps are run when due: the lead learns from them.
    const settled = ages.slice(4 * 2);
    expect(settled.length).toBeGreaterThan(20);
    // Computed when due, every tick would be at least SLOW_MS old on arrival.
    expect(median(settled)).toBeLessThan(SLOW_MS / 2);
    // Never before its time (1 ms: timestamps and Date.now() are whole milliseconds).
    expect(Math.min(...settled)).toBeGreaterThanOrEqual(-1);
    // Every query was answered; one that came while a step waited, once that step was out (the lead is capped).
    expect(answers).toHaveLength(QUERIES);
    expect(Math.max(...answers.map((a) => a.ms))).toBeLessThan(1000);
    // Each answer is as of its moment: everything handed out before it was asked, nothing not handed out yet (a step
    // computed ahead is in the model before it is out: an answer that saw it would be ahead of every client).
    for (const a of answers) {
      expect(a.sequence).toBeGreaterThanOrEqual(a.asked);
      expect(a.sequence).toBeLessThanOrEqual(a.answered);
    }
  }, 20_000);

  test('cheap steps are run when due, as before', async () => {
    const { ages } = await tickAges(0, 1500);
    expect(ages.length).toBeGreaterThan(10);
    expect(Math.min(...ages)).toBeGreaterThanOrEqual(-1);
  }, 20_000);
});
