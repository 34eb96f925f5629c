// The replay planner on its own: order, topics, what was already delivered live, pacing, and falling behind.
import { describe, expect, test } from 'bun:test';
import { EventHistory } from '../../src/hub/history.ts';
import { replay } from '../../src/hub/replay.ts';
import type { CatchUp } from '../../src/hub/session.ts';

function history(n: number, capacity = 100): EventHistory {
  const h = new EventHistory(capacity);
  for (let s = 1; s <= n; s++) {
    const family = s % 3 === 0 ? 'agent' : 'market';
    h.append({
      sequence: s,
      family,
      key: family === 'agent' ? 'A' : s % 2 === 0 ? 'BTC' : 'ETH',
      json: `${s}`,
      created_at: 0,
    });
  }
  return h;
}
const catchUp = (since: number, until: number, live: [string, number][] = []): CatchUp => ({
  since,
  cursor: since,
  until,
  liveSince: new Map(live),
  replayed: 0,
  latest: new Map(),
});

describe('replay', () => {
  test('sends the held topics after since, in order, then done', () => {
    const sent: string[] = [];
    const c = catchUp(4, 12);
    expect(replay(history(12), c, new Set(['market.BTC', 'agent']), (j) => (sent.push(j), 10))).toBe('done');
    expect(sent).toEqual(['6', '8', '9', '10', '12']);
    expect(c.replayed).toBe(5);
  });

  test('skips what the socket already received live before the resume began', () => {
    const sent: string[] = [];
    // `market` was live from sequence 7: events 8..10 on it arrived live; agent events did not.
    const c = catchUp(4, 10, [['market', 7]]);
    replay(history(12), c, new Set(['market', 'agent']), (j) => (sent.push(j), 10));
    expect(sent).toEqual(['5', '6', '7', '9', '11', '12']);
  });

  test('pauses on backpressure and resumes from the cursor; reports a dropped frame', () => {
    const h = history(12);
    const sent: string[] = [];
    const c = catchUp(0, 12);
    let calls = 0;
    expect(replay(h, c, new Set(['market', 'agent']), (j) => (sent.push(j), ++calls === 3 ? -1 : 10))).toBe('paused');
    expect(sent).toEqual(['1', '2', '3']);
    expect(replay(h, c, new Set(['market', 'agent']), (j) => (sent.push(j), 10))).toBe('done');
    expect(sent.map(Number)).toEqual(Array.from({ length: 12 }, (_, i) => i + 1));
    expect(replay(h, catchUp(0, 12), new Set(['market']), () => 0)).toBe('dropped');
  });

  test('falls behind when the history moved past the cursor', () => {
    expect(replay(history(50, 10), catchUp(5, 50), new Set(['market']), () => 10)).toBe('fell_behind');
  });
});
