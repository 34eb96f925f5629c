// Tests for the replay CSV parser: valid input and a line-numbered error for each malformed case.

import { describe, expect, test } from 'bun:test';
import { PriceCsvError, parsePriceCsv } from '../../src/sim/price-csv.ts';

function errorOf(text: string): PriceCsvError {
  try {
    parsePriceCsv(text);
  } catch (e) {
    if (e instanceof PriceCsvError) return e;
    throw e;
  }
  throw new Error('expected a PriceCsvError');
}

describe('parsePriceCsv', () => {
  test('parses ISO and epoch-ms timestamps in file order, skipping blank lines', () => {
    const rows = parsePriceCsv(
      'timestamp,symbol,price\r\n2024-01-01T00:00:00Z,BTC-USD,42000.5\n\n1704067205000,ETH-USD,2300\n2024-01-01T00:00:10.500+01:00,BTC-USD,"42001"\n',
    );
    expect(rows).toEqual([
      { timestamp: Date.UTC(2024, 0, 1), symbol: 'BTC-USD', price: 42000.5 },
      { timestamp: 1704067205000, symbol: 'ETH-USD', price: 2300 },
      { timestamp: Date.UTC(2024, 0, 1) - 3600_000 + 10_500, symbol: 'BTC-USD', price: 42001 },
    ]);
  });

  test('header is required', () => {
    const e = errorOf('2024-01-01T00:00:00Z,BTC-USD,1\n');
    expect(e.line).toBe(1);
    expect(e.message).toStartWith('line 1: header');
  });

  test('a non-numeric price names its line and value', () => {
    const text = [
      'timestamp,symbol,price',
      ...Array.from({ length: 5 }, (_, i) => `${i},BTC-USD,1`),
      '6,BTC-USD,abc',
    ].join('\n');
    const e = errorOf(text);
    expect(e.line).toBe(7);
    expect(e.message).toBe('line 7: price "abc" is not a positive number');
  });

  test('zero, negative, empty and infinite prices are rejected', () => {
    for (const bad of ['0', '-3', '', 'Infinity', '1e400']) {
      const e = errorOf(`timestamp,symbol,price\n1,BTC-USD,1\n2,BTC-USD,${bad}\n`);
      expect(e.line).toBe(3);
      expect(e.problem).toContain('is not a positive number');
    }
  });

  test('wrong field count names the line', () => {
    const e = errorOf('timestamp,symbol,price\n1,BTC-USD\n');
    expect(e.line).toBe(2);
    expect(e.problem).toBe('expected 3 fields, found 2');
  });

  test('bad timestamps name the line', () => {
    for (const bad of ['yesterday', '2024-13-45T00:00:00Z', '2024-01-01T00:00:00']) {
      const e = errorOf(`timestamp,symbol,price\n1,A,1\n1,A,1\n${bad},A,1\n`);
      expect(e.line).toBe(4);
      expect(e.problem).toContain('timestamp');
    }
  });

  test('bad symbols name the line', () => {
    const e = errorOf('timestamp,symbol,price\n1,"",5\n');
    expect(e.line).toBe(2);
    expect(e.problem).toContain('symbol');
  });

  test('a header without rows is an error', () => {
    expect(errorOf('timestamp,symbol,price\n').problem).toContain('no price rows');
  });
});
