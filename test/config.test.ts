// Configuration: flags over env over defaults, one clear line for a bad value.
import { describe, expect, test } from 'bun:test';
import { ConfigError, DEFAULT_SYMBOLS, loadConfig, usage } from '../src/config.ts';

describe('loadConfig', () => {
  test('embedded defaults match the seed', () => {
    const c = loadConfig([], {});
    expect(c).toMatchObject({
      host: '127.0.0.1',
      port: 9001,
      metricsHost: '127.0.0.1',
      metricsPort: 9184,
      marketIntervalMs: 5000,
      agentIntervalMs: 10000,
      db: 'data/lineage.db',
    });
    expect(c.symbols).toEqual(DEFAULT_SYMBOLS);
    expect(c.history).toBeGreaterThanOrEqual(10000);
    expect(c.seed).toBeUndefined();
    expect(c.authToken).toBeUndefined();
    expect(Object.isFrozen(c)).toBe(true);
  });

  test('flags override env, env overrides defaults; --flag=value and --flag value', () => {
    const env = {
      LINEAGE_PORT: '7000',
      LINEAGE_MARKET_INTERVAL_MS: '100',
      LINEAGE_SYMBOLS: 'AAA-USD, BBB-USD',
      LINEAGE_SEED: '42',
    };
    const c = loadConfig(['--port', '19001', '--market-interval-ms=50'], env);
    expect(c.port).toBe(19001);
    expect(c.marketIntervalMs).toBe(50);
    expect(c.symbols).toEqual(['AAA-USD', 'BBB-USD']);
    expect(c.seed).toBe(42);
    expect(loadConfig(['--db', ':memory:']).db).toBe(':memory:');
  });

  test.each([
    [['--port', 'abc'], '--port: must be an integer'],
    [['--port', '70000'], '--port: must be ≤ 65535'],
    [['--feed-error-rate', '2'], '--feed-error-rate: must be between 0 and 1'],
    [['--symbols', 'BTC.USD'], '--symbols:'],
    [['--symbols', 'A,A'], 'symbols must be unique'],
    [['--history', '3'], '--history: must be ≥ 16'],
    [['--bogus', '1'], 'unknown option --bogus'],
    [['--port'], '--port: needs a value'],
    [['stray'], 'unexpected argument "stray"'],
  ])('%p is rejected naming the field', (argv, message) => {
    expect(() => loadConfig(argv as string[], {})).toThrow(ConfigError);
    expect(() => loadConfig(argv as string[], {})).toThrow(message);
  });

  test('a bad env value names the env var; the auth token is never echoed', () => {
    expect(() => loadConfig([], { LINEAGE_METRICS_PORT: '-1' })).toThrow('LINEAGE_METRICS_PORT: must be ≥ 0');
    try {
      loadConfig([], { LINEAGE_AUTH_TOKEN: 'short' });
      throw new Error('accepted');
    } catch (e) {
      expect((e as Error).message).toContain('LINEAGE_AUTH_TOKEN');
      expect((e as Error).message).not.toContain('short');
    }
  });

  test('usage lists every flag with its env var', () => {
    const text = usage();
    for (const f of [
      '--host',
      '--port',
      '--metrics-host',
      '--metrics-port',
      '--market-interval-ms',
      '--agent-interval-ms',
      '--symbols',
      '--seed',
      '--db',
      '--history',
      '--max-connections',
      '--auth-token',
    ]) {
      expect(text).toContain(f);
    }
    expect(text).toContain('LINEAGE_AUTH_TOKEN');
  });
});
