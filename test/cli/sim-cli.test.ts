// Headless runs: `bun src/cli/sim.ts` writes wire NDJSON (sequence from 1, one market tick per symbol per simulated
// hour), the same seed twice gives identical output, and bad flags give one stderr line and exit code 2.
import { describe, expect, test } from 'bun:test';

const ROOT = `${import.meta.dir}/../..`;

function run(args: string[]) {
  const p = Bun.spawnSync(['bun', 'src/cli/sim.ts', ...args], { cwd: ROOT, stdout: 'pipe', stderr: 'pipe' });
  return { code: p.exitCode, out: p.stdout.toString(), err: p.stderr.toString() };
}

describe('bun run sim', () => {
  test('a small run: every line parses, shapes are the wire shapes, same seed twice is identical', () => {
    const args = [
      '--seed',
      '7',
      '--agents',
      '6',
      '--symbols',
      'BTC-USD,ETH-USD',
      '--days',
      '0.5',
      '--families',
      'market,agent,arena,trade,candle,book',
      '--arena-round-ms',
      '20000',
    ];
    const a = run(args);
    expect(a.code).toBe(0);
    expect(a.err).toBe('');
    const lines = a.out.trim().split('\n');
    const events = lines.map((l) => JSON.parse(l) as Record<string, any>);
    for (const [i, e] of events.entries()) expect(e.sequence).toBe(i + 1);
    const kinds = new Set(events.map((e) => e.event_type));
    expect([...kinds].sort()).toEqual(['agent', 'arena', 'book', 'candle', 'market', 'trade']);
    const market = events.filter((e) => e.event_type === 'market');
    expect(market).toHaveLength(12 * 2);
    expect(Object.keys(market[0]?.market ?? {})).toEqual(['symbol', 'price', 'timestamp', 'change_percent']);
    const trade = events.find((e) => e.event_type === 'trade');
    expect(Object.keys(trade?.trade ?? {})).toEqual([
      'symbol',
      'trade_id',
      'price',
      'size',
      'side',
      'timestamp',
      'buyer',
      'seller',
    ]);
    const book = events.find((e) => e.event_type === 'book');
    expect(book?.snapshot).toBe(true);
    expect(Object.keys(book?.book ?? {})).toEqual(['symbol', 'bids', 'asks', 'update_id', 'timestamp']);
    // Book deltas are off unless --book-deltas.
    expect(events.filter((e) => e.event_type === 'book').every((e) => e.snapshot === true)).toBe(true);
    const candle = events.find((e) => e.event_type === 'candle' && e.candle.closed);
    expect(Object.keys(candle?.candle ?? {})).toEqual([
      'symbol',
      'interval',
      'start',
      'open',
      'high',
      'low',
      'close',
      'volume',
      'closed',
    ]);
    const b = run(args);
    expect(b.out).toBe(a.out);
    const deltas = run([...args, '--book-deltas']);
    expect(deltas.out.split('\n').some((l) => l.includes('"changes"'))).toBe(true);
  });

  test('default families are market, agent and arena', () => {
    const r = run(['--days', '0.25', '--agents', '3']);
    const kinds = new Set(
      r.out
        .trim()
        .split('\n')
        .map((l) => (JSON.parse(l) as { event_type: string }).event_type),
    );
    expect([...kinds].sort()).toEqual(['agent', 'market']);
  });

  test('bad flags: one line on stderr, exit code 2', () => {
    for (const args of [['--bogus'], ['--agents', '2'], ['--days', '-1'], ['--families', 'market,nope'], ['--seed']]) {
      const r = run(args);
      expect(r.code).toBe(2);
      expect(r.out).toBe('');
      expect(r.err.trim().split('\n')).toHaveLength(1);
    }
  });
});
