// What a hostile client can send: arbitrary bytes, text, JSON, deep nesting, and every op with every wrong field.
import fc from 'fast-check';

const anyValue = fc.oneof(
  fc.constant(null),
  fc.boolean(),
  fc.integer(),
  fc.double(),
  fc.constantFrom(Number.MAX_SAFE_INTEGER, -1, 0, 1e308, -0),
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.constantFrom(
    'market',
    'market.BTC-USD',
    'agent.Balanced',
    'arena',
    'market.',
    '.',
    '',
    'market.BTC-USD.x',
    '__proto__',
    'constructor',
  ),
  fc.array(fc.string({ maxLength: 20 }), { maxLength: 5 }),
  fc.array(fc.anything({ maxDepth: 2 }), { maxLength: 5 }),
  fc.dictionary(fc.string({ maxLength: 8 }), fc.anything({ maxDepth: 1 }), { maxKeys: 4 }),
);

/** Every op with every field, right or wrong. */
export const opMessage = fc
  .record(
    {
      op: fc.oneof(
        fc.constantFrom('subscribe', 'unsubscribe', 'resume', 'ping', 'SUBSCRIBE', '', 'pong', 'constructor'),
        anyValue,
      ),
      topics: fc.oneof(
        anyValue,
        fc.array(
          fc.oneof(
            fc.constantFrom('market', 'agent', 'arena', 'market.ETH-USD', 'agent.Momentum', 'nope'),
            fc.string({ unit: 'binary', maxLength: 90 }),
          ),
          { maxLength: 300 },
        ),
      ),
      since: fc.oneof(anyValue, fc.integer({ min: -5, max: 100_000 })),
      epoch: anyValue,
      id: anyValue,
      extra: anyValue,
    },
    { requiredKeys: [] },
  )
  .map((m) => JSON.stringify(m));

const deepNesting = fc
  .tuple(fc.integer({ min: 100, max: 30_000 }), fc.constantFrom('[', '{"a":'))
  .map(([depth, open]) => {
    const n = Math.min(depth, Math.floor(60_000 / open.length));
    return open.repeat(n) + (open === '[' ? ']' : '1}').repeat(n);
  });

/** A frame: text (any unicode, JSON, ops, nesting, near and over the size limit) or binary bytes. */
export const frame: fc.Arbitrary<
  { kind: 'text'; data: string } | { kind: 'binary'; data: Uint8Array } | { kind: 'badutf8'; data: Uint8Array }
> = fc.oneof(
  { weight: 5, arbitrary: opMessage.map((data) => ({ kind: 'text' as const, data })) },
  { weight: 2, arbitrary: fc.json({ maxDepth: 4 }).map((data) => ({ kind: 'text' as const, data })) },
  {
    weight: 2,
    arbitrary: fc.string({ unit: 'binary', maxLength: 300 }).map((data) => ({ kind: 'text' as const, data })),
  },
  {
    weight: 1,
    arbitrary: fc.string({ unit: 'grapheme', maxLength: 100 }).map((data) => ({ kind: 'text' as const, data })),
  },
  { weight: 1, arbitrary: deepNesting.map((data) => ({ kind: 'text' as const, data })) },
  {
    weight: 1,
    arbitrary: fc
      .integer({ min: 60_000, max: 70_000 })
      .map((n) => ({ kind: 'text' as const, data: `{"op":"ping","id":"${'x'.repeat(n)}"}` })),
  },
  { weight: 2, arbitrary: fc.uint8Array({ maxLength: 2000 }).map((data) => ({ kind: 'binary' as const, data })) },
  {
    weight: 1,
    arbitrary: fc
      .uint8Array({ minLength: 1, maxLength: 50 })
      .map((d) => ({ kind: 'badutf8' as const, data: new Uint8Array([...d, 0xff, 0xfe, 0xc0]) })),
  },
);

/** URL query values a client may put on the upgrade. */
export const queryValue = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 60 }),
  fc.constantFrom('market', 'market.BTC-USD,arena', ',,,', '-1', '1e3', '99999999999999999999', '0', 'null'),
);
