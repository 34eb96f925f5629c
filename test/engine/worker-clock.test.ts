// The real simulation worker with a wall clock that steps mid-run (its test-only clock): a step back an hour does
// not freeze the stream, a step forward does not burst it; event timestamps follow the wall clock either way.
import { describe, expect, test } from 'bun:test';
import { SimulationHost } from '../../src/engine/host.ts';
import type { PublishedEvent, WorkerStartOptions } from '../../src/protocol/worker-messages.ts';
import { workerOptions } from '../helpers/worker-options.ts';

const HOUR = 3_600_000;
const INTERVAL = 50;

const options = (wallStepByMs: number): WorkerStartOptions =>
  workerOptions({ marketIntervalMs: INTERVAL, testing: { wallStepAfterMs: 800, wallStepByMs } });

async function run(wallStepByMs: number) {
  const host = new SimulationHost();
  const ticks: { arrived: number; at: number }[] = [];
  await host.start(options(wallStepByMs), {
    events: (batch: PublishedEvent[]) => {
      for (const e of batch)
        if (e.family === 'market')
          ticks.push({ arrived: performance.now(), at: Date.parse(JSON.parse(e.json).market.timestamp) });
    },
    fatal: (message) => {
      throw new Error(message);
    },
  });
  await Bun.sleep(1800);
  await host.stop();
  const gaps = ticks.slice(1).map((t, i) => t.arrived - (ticks[i] as { arrived: number }).arrived);
  const jumps = ticks.slice(1).map((t, i) => t.at - (ticks[i] as { at: number }).at);
  return { ticks, maxGap: Math.max(...gaps), jumps };
}

describe('simulation worker under a stepped wall clock', () => {
  test('stepped back an hour mid-run: ticks keep coming at their interval; timestamps move back an hour once', async () => {
    const { ticks, maxGap, jumps } = await run(-HOUR);
    expect(ticks.length).toBeGreaterThan(20);
    // Generous for a shared machine; the old loop (paced by Date.now()) stopped for the whole hour.
    expect(maxGap).toBeLessThan(600);
    const back = jumps.filter((j) => j < -HOUR / 2);
    expect(back).toHaveLength(1);
    expect(Math.abs((back[0] as number) + HOUR)).toBeLessThan(1000);
    expect(jumps.filter((j) => j > 0 && j < HOUR / 2).length).toBeGreaterThan(15);
  }, 20_000);

  test('stepped forward an hour mid-run: no burst of missed ticks; timestamps move forward an hour once', async () => {
    const { ticks, maxGap, jumps } = await run(HOUR);
    expect(ticks.length).toBeGreaterThan(20);
    expect(ticks.length).toBeLessThan(1800 / INTERVAL + 10);
    expect(maxGap).toBeLessThan(600);
    const ahead = jumps.filter((j) => j > HOUR / 2);
    expect(ahead).toHaveLength(1);
    expect(Math.abs((ahead[0] as number) - HOUR)).toBeLessThan(1000);
  }, 20_000);
});
