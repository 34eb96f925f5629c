// The shortcut for common client frames (subscribe, unsubscribe, ping) accepts only what the `ClientMessage` schema
// accepts, and returns what it returns: checked over generated frames, valid and broken, so the schema stays the one
// definition.
import { describe, expect, test } from 'bun:test';
import { ClientMessage, commonFrame, parseClientFrame } from '../../src/protocol/client-messages.ts';
import { Rng } from '../../src/sim/rng.ts';

const pick = <T>(rnd: () => number, xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)] as T;

const STRINGS = ['market', 'market.BTC-USD', '', 'x'.repeat(64), 'x'.repeat(65), 'y'.repeat(80), 'y'.repeat(81), 'é'];
const NUMBERS = [
  0,
  -0,
  1,
  -1,
  17,
  1.5,
  60_000,
  60_001,
  -5,
  Number.MAX_SAFE_INTEGER,
  Number.MAX_SAFE_INTEGER + 2,
  1e300,
];
const OTHERS = [null, true, false, {}, { a: 1 }, []];

function value(rnd: () => number): unknown {
  const r = rnd();
  if (r < 0.35) return pick(rnd, STRINGS);
  if (r < 0.7) return pick(rnd, NUMBERS);
  if (r < 0.85) return pick(rnd, OTHERS);
  return topicList(rnd);
}

function topicList(rnd: () => number): unknown[] {
  const n = pick(rnd, [0, 1, 2, 3, 256, 257]);
  return Array.from({ length: n }, () => (rnd() < 0.95 ? pick(rnd, STRINGS) : value(rnd)));
}

/** A frame as a client could send it: mostly well-formed, with one field in five off. */
function frame(rnd: () => number): Record<string, unknown> {
  const op = pick(rnd, [
    'subscribe',
    'unsubscribe',
    'ping',
    'resume',
    'list_subscriptions',
    'refresh',
    'constructor',
    'toString',
    '__proto__',
  ]);
  const f: Record<string, unknown> = { op };
  if (rnd() < 0.8) f.topics = rnd() < 0.8 ? topicList(rnd) : value(rnd);
  if (rnd() < 0.6) f.id = rnd() < 0.7 ? pick(rnd, [1, 42, 'req-1', 'x'.repeat(64)]) : value(rnd);
  if (rnd() < 0.3) f.conflate_ms = rnd() < 0.7 ? pick(rnd, [0, 250, 60_000]) : value(rnd);
  if (rnd() < 0.1) f[pick(rnd, ['extra', 'since', 'token', 'Topics'])] = value(rnd);
  return f;
}

describe('common client frames', () => {
  test('the shortcut accepts only what the schema accepts, with the same result', () => {
    // The project's seeded generator: the cases are the same on every run.
    const seeded = new Rng(20261203);
    const rnd = () => seeded.next();
    let accepted = 0;
    let schemaOnly = 0;
    for (let i = 0; i < 20_000; i++) {
      const text = JSON.stringify(frame(rnd));
      const v = JSON.parse(text) as Record<string, unknown>;
      const fast = commonFrame(v, String(v.op));
      const schema = ClientMessage.safeParse(JSON.parse(text));
      if (fast !== null) {
        accepted++;
        if (!schema.success) throw new Error(`the shortcut accepted what the schema refuses: ${text.slice(0, 200)}`);
        expect(fast).toEqual(schema.data);
      } else if (schema.success && ['subscribe', 'unsubscribe', 'ping'].includes(String(v.op))) schemaOnly++;
    }
    // The generator reaches both sides, and every valid common frame takes the shortcut (none is left to the schema).
    expect(accepted).toBeGreaterThan(500);
    expect(schemaOnly).toBe(0);
  });

  test('each bound holds at its edge: the shortcut takes the last valid value and refuses the first invalid one', () => {
    const topics = (n: number, len = 6) => Array.from({ length: n }, (_, i) => `${i}`.padEnd(len, 'x'));
    const edges: [valid: Record<string, unknown>, invalid: Record<string, unknown>][] = [
      [
        { op: 'subscribe', topics: topics(256) },
        { op: 'subscribe', topics: topics(257) },
      ],
      [
        { op: 'unsubscribe', topics: topics(1) },
        { op: 'unsubscribe', topics: [] },
      ],
      [
        { op: 'subscribe', topics: topics(2, 80) },
        { op: 'subscribe', topics: topics(2, 81) },
      ],
      [
        { op: 'ping', id: 'i'.repeat(64) },
        { op: 'ping', id: 'i'.repeat(65) },
      ],
      [
        { op: 'ping', id: Number.MAX_SAFE_INTEGER },
        { op: 'ping', id: Number.MAX_SAFE_INTEGER + 2 },
      ],
      [
        { op: 'ping', id: Number.MIN_SAFE_INTEGER },
        { op: 'ping', id: 1.5 },
      ],
      [
        { op: 'subscribe', topics: ['market'], conflate_ms: 60_000 },
        { op: 'subscribe', topics: ['market'], conflate_ms: 60_001 },
      ],
      [
        { op: 'subscribe', topics: ['market'], conflate_ms: 0 },
        { op: 'subscribe', topics: ['market'], conflate_ms: -1 },
      ],
    ];
    for (const [valid, invalid] of edges) {
      expect(ClientMessage.safeParse(valid).success).toBe(true);
      expect(commonFrame(valid, String(valid.op))).toBe(valid as never);
      expect(ClientMessage.safeParse(invalid).success).toBe(false);
      expect(commonFrame(invalid, String(invalid.op))).toBeNull();
    }
  });

  test('the frames clients send all the time take the shortcut; a frame JSON itself can trick goes to the schema', () => {
    const common: Record<string, unknown>[] = [
      { op: 'subscribe', topics: ['market.BTC-USD'], id: 7 },
      { op: 'subscribe', topics: ['market', 'book.ETH-USD'], conflate_ms: 250 },
      { op: 'unsubscribe', topics: ['market.BTC-USD'], id: 'a' },
      { op: 'ping' },
    ];
    for (const f of common) expect(commonFrame(f, String(f.op))).toBe(f as never);
    const proto = JSON.parse('{"op":"ping","__proto__":{"x":1}}') as Record<string, unknown>;
    expect(commonFrame(proto, 'ping')).toBeNull();
    expect(parseClientFrame('{"op":"ping","__proto__":{"x":1}}')).toMatchObject({ ok: false, code: 'invalid_message' });
    expect(parseClientFrame('{"op":"subscribe","topics":[]}')).toMatchObject({ ok: false, code: 'invalid_message' });
    // An op named after one of Object's members is an unknown op, not a lookup into the prototype.
    for (const op of ['constructor', 'toString', '__proto__', 'hasOwnProperty'])
      expect(parseClientFrame(JSON.stringify({ op, topics: ['market'] }))).toMatchObject({
        ok: false,
        code: 'unknown_op',
      });
  });
});
