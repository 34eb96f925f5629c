// The topics claim as a matcher (generic over families, with private ones `*` leaves out) and the claims schema.
import { describe, expect, test } from 'bun:test';
import { GRANT_PATTERN, TokenClaims, TopicGrants } from '../../src/protocol/credentials.ts';
import { PRIVATE_FAMILIES } from '../../src/protocol/topics.ts';

const t = (family: string, key: string | null = null) => ({ family, key });

describe('TopicGrants', () => {
  test('* covers every public family and its narrow topics, never a private family', () => {
    const g = new TopicGrants(['*']);
    for (const topic of [t('market'), t('market', 'BTC-USD'), t('agent', 'Balanced'), t('arena')])
      expect(g.covers(topic)).toBe(true);
    // Families being added elsewhere (trades, book, candles) are covered without a change here.
    for (const family of ['trades', 'book', 'candles']) expect(g.covers(t(family, 'BTC-USD'))).toBe(true);
    expect(PRIVATE_FAMILIES.has('orders')).toBe(true);
    expect(g.covers(t('orders'))).toBe(false);
    expect(g.covers(t('orders', 'agent-7'))).toBe(false);
  });

  test('<family>.* covers the family topic and each of its keys, and nothing of another family', () => {
    const g = new TopicGrants(['market.*', 'candles.*']);
    expect(g.covers(t('market'))).toBe(true);
    expect(g.covers(t('market', 'ETH-USD'))).toBe(true);
    expect(g.covers(t('candles', 'BTC-USD'))).toBe(true);
    expect(g.covers(t('agent'))).toBe(false);
    expect(g.covers(t('agent', 'market'))).toBe(false);
    expect(g.covers(t('arena'))).toBe(false);
  });

  test('an exact name covers that topic only', () => {
    const g = new TopicGrants(['market.BTC-USD', 'arena']);
    expect(g.covers(t('market', 'BTC-USD'))).toBe(true);
    expect(g.covers(t('arena'))).toBe(true);
    expect(g.covers(t('market'))).toBe(false);
    expect(g.covers(t('market', 'ETH-USD'))).toBe(false);
    expect(new TopicGrants(['market']).covers(t('market', 'BTC-USD'))).toBe(false);
  });

  test('a private family is covered only when the token names it', () => {
    expect(new TopicGrants(['*', 'orders.agent-7']).covers(t('orders', 'agent-7'))).toBe(true);
    expect(new TopicGrants(['*', 'orders.agent-7']).covers(t('orders', 'agent-8'))).toBe(false);
    expect(new TopicGrants(['orders.*']).covers(t('orders', 'agent-8'))).toBe(true);
    // The list is a parameter: marking a family private takes it out of `*`.
    expect(new TopicGrants(['*'], new Set(['agent'])).covers(t('agent', 'Balanced'))).toBe(false);
    // By name, now that parseTopic knows the family.
    expect(new TopicGrants(['*']).coversName('orders.Balanced')).toBe(false);
    expect(new TopicGrants(['orders.Balanced']).coversName('orders.Balanced')).toBe(true);
    expect(new TopicGrants(['orders.*']).coversName('orders.Momentum')).toBe(true);
  });

  test('the market-data families by name: * and <family>.* cover them like any other', () => {
    const all = new TopicGrants(['*']);
    for (const topic of ['trades', 'trades.BTC-USD', 'book.ETH-USD', 'candles.SOL-USD'])
      expect(all.coversName(topic)).toBe(true);
    const books = new TopicGrants(['book.*', 'candles.BTC-USD']);
    expect(books.coversName('book.ETH-USD')).toBe(true);
    expect(books.coversName('candles.BTC-USD')).toBe(true);
    expect(books.coversName('candles.ETH-USD')).toBe(false);
    expect(books.coversName('trades.BTC-USD')).toBe(false);
  });

  test('no patterns cover nothing; coversName goes through parseTopic', () => {
    expect(new TopicGrants([]).covers(t('market'))).toBe(false);
    const g = new TopicGrants(['*']);
    expect(g.coversName('market.BTC-USD')).toBe(true);
    expect(g.coversName('market.')).toBe(false);
    expect(g.coversName('nope')).toBe(false);
  });
});

describe('TokenClaims', () => {
  test('exp is required and an integer; sub and topics are optional; other claims pass', () => {
    expect(TokenClaims.safeParse({ exp: 1, iss: 'x', aud: 'y' }).success).toBe(true);
    expect(TokenClaims.safeParse({ sub: 'a' }).success).toBe(false);
    expect(TokenClaims.safeParse({ exp: 1.5 }).success).toBe(false);
    expect(TokenClaims.safeParse({ exp: 1, sub: 5 }).success).toBe(false);
  });

  test.each([
    [['*'], true],
    [['market.*', 'agent.Balanced', 'arena', 'orders.agent-7'], true],
    [[], true],
    ['*', false],
    [[1], false],
    [['market.**'], false],
    [['market.BTC USD'], false],
    [['Market'], false],
    [['*.*'], false],
    [['market.a.b'], false],
  ])('topics %j → %p', (topics, ok) => {
    expect(TokenClaims.safeParse({ exp: 1, topics }).success).toBe(ok);
  });

  test('the pattern itself', () => {
    expect(GRANT_PATTERN.test('trades.*')).toBe(true);
    expect(GRANT_PATTERN.test('')).toBe(false);
  });
});
