// lineage_fanout_latency_seconds times what clients wait for: one sample per event handed to at least one subscriber,
// none for events nobody holds (the other symbols' ticks, agent reports).
import { afterAll, beforeAll, describe, expect, test } from 'bun:test';
import { TestClient, waitUntil } from '../helpers/clients.ts';
import { type ServerProcess, startServer } from '../helpers/server-process.ts';

let server: ServerProcess;
let client: TestClient;

beforeAll(async () => {
  server = await startServer([
    '--symbols',
    'BTC-USD,ETH-USD,SOL-USD',
    '--market-interval-ms',
    '50',
    '--market-data',
    'off',
    '--agent-interval-ms',
    '100',
  ]);
  client = await TestClient.open(`${server.url}/?topics=market.BTC-USD`, 'bun');
}, 30_000);

afterAll(async () => {
  client?.close();
  await server?.stop();
});

const sample = (text: string, name: string) =>
  Number(new RegExp(`^${name}(?:\\{[^}]*\\})? (\\S+)$`, 'm').exec(text)?.[1]);

describe('lineage_fanout_latency_seconds', () => {
  test('counts the events delivered, not every event published', async () => {
    await waitUntil(() => client.frames.filter((f) => f.event_type === 'market').length >= 20, 10_000, 'BTC ticks');
    // Stop receiving so that the counts cannot move between the scrape's lines.
    client.close();
    await waitUntil(() => client.closeInfo !== null, 5000, 'the close');
    await Bun.sleep(200);
    const text = await (await fetch(`${server.metrics}/metrics`)).text();
    const timed = sample(text, 'lineage_fanout_latency_seconds_count');
    const delivered = sample(text, 'lineage_messages_broadcast_total');
    // One client holding one symbol: every delivery is one event, and every event delivered is timed once.
    expect(delivered).toBeGreaterThanOrEqual(15);
    expect(timed).toBe(delivered);
  }, 30_000);
});
