// A slow reader's pace: a token bucket that says how long to stop reading; and the reference's family per frame.
import { describe, expect, test } from 'bun:test';
import { frameTopic } from '../../bench/load/reference.ts';
import { ReadThrottle, SocketPacer } from '../../bench/load/throttle.ts';

describe('ReadThrottle', () => {
  test('a burst is free, then each byte over it costs 1/rate seconds', () => {
    const t = new ReadThrottle(10_000, 1000);
    expect(t.take(1000, 0)).toBe(0);
    expect(t.take(500, 0)).toBe(50); // 500 bytes over at 10 KB/s
    // 50 ms later the debt is paid; the next 1000 bytes are over by 1000 again (no credit beyond the debt).
    expect(t.take(1000, 50)).toBeCloseTo(100);
  });

  test('over a long run the average is the rate', () => {
    const t = new ReadThrottle(50_000, 4096);
    let now = 0;
    let read = 0;
    for (let i = 0; i < 1000; i++) {
      read += 64 * 1024;
      now += t.take(64 * 1024, now);
    }
    expect(read / (now / 1000)).toBeCloseTo(50_000, -3);
  });

  test('0 is unthrottled', () => {
    expect(new ReadThrottle(0).take(1e9, 0)).toBe(0);
  });
});

describe('SocketPacer', () => {
  test('pauses the socket for the wait and resumes it; a rate of 0 resumes at once', async () => {
    const calls: string[] = [];
    const socket = { pause: () => calls.push('pause'), resume: () => calls.push('resume') };
    const pacer = new SocketPacer();
    pacer.setRate(1000);
    pacer.read(socket, 16 * 1024 + 20, 0); // 20 bytes over: 20 ms
    expect(calls).toEqual(['pause']);
    await Bun.sleep(60);
    expect(calls).toEqual(['pause', 'resume']);
    pacer.read(socket, 100_000, performance.now());
    pacer.setRate(0);
    expect(calls).toEqual(['pause', 'resume', 'pause', 'resume']);
  });
});

describe('frameTopic', () => {
  test("a market-data frame's family is its topic family, keyed by symbol", () => {
    expect(frameTopic({ event_type: 'trade', trade: { symbol: 'A' } })).toEqual({ family: 'trades', key: 'A' });
    expect(frameTopic({ event_type: 'candle', candle: { symbol: 'A' } })).toEqual({ family: 'candles', key: 'A' });
    expect(frameTopic({ event_type: 'book', book: { symbol: 'A' } })).toEqual({ family: 'book', key: 'A' });
    expect(frameTopic({ event_type: 'arena' })).toEqual({ family: 'arena', key: null });
    expect(frameTopic({ event_type: 'welcome' })).toBeNull();
  });
});
