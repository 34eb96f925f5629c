// Flags of `bun run client`: defaults, values, usage errors (exit 2), bad URLs (exit 1), colour rules, failure lines.
import { describe, expect, test } from 'bun:test';
import { CLIENT_DEFAULT_TOPICS, DEFAULT_URL, parseCliArgs, wantsColor } from '../../src/client/cli-args.ts';
import { describeConnectFailure } from '../../src/client/connect-failure.ts';

const run = (argv: string[], env: Record<string, string> = {}) => {
  const r = parseCliArgs(argv, env);
  if (r.kind !== 'run') throw new Error(`expected run, got ${JSON.stringify(r)}`);
  return r.options;
};

describe('parseCliArgs', () => {
  test('defaults: the seed URL, market+agent+arena, table output', () => {
    expect(run([])).toEqual({
      url: `${DEFAULT_URL}/`,
      topics: [...CLIENT_DEFAULT_TOPICS],
      json: false,
      noColor: false,
      since: null,
      token: null,
    });
  });

  test('url, --topics (both spellings), --json, --no-color, --since, --token', () => {
    const o = run(['127.0.0.1:9100', '--topics', 'market.BTC-USD, arena', '--json', '--no-color', '--since=12']);
    expect(o).toMatchObject({
      url: 'ws://127.0.0.1:9100/',
      topics: ['market.BTC-USD', 'arena'],
      json: true,
      noColor: true,
      since: 12,
    });
    expect(run(['--topics=agent.Balanced']).topics).toEqual(['agent.Balanced']);
    expect(run(['--token', 's3cret']).token).toBe('s3cret');
    expect(run([], { LINEAGE_AUTH_TOKEN: 'fromenv' }).token).toBe('fromenv');
  });

  test('help and version', () => {
    expect(parseCliArgs(['--help']).kind).toBe('help');
    expect(parseCliArgs(['ws://x:1', '-h']).kind).toBe('help');
    expect(parseCliArgs(['--version']).kind).toBe('version');
  });

  test('usage errors exit 2 with one line', () => {
    const cases: Array<[string[], string]> = [
      [['--bogus'], 'unknown option "--bogus"'],
      [['--topics'], '--topics needs a value'],
      [['--topics', 'market.BTC USD'], '"market.BTC USD" is not a topic'],
      [['--topics', ' , '], 'at least one topic'],
      [['--since', '-1'], '--since must be a non-negative integer'],
      [['--since', 'ten'], '(got "ten")'],
      [['--json=yes'], '--json takes no value'],
      [['a:1', 'b:2'], 'only one URL'],
      [['--token', '--json'], '--token needs a value'],
    ];
    for (const [argv, message] of cases) {
      const r = parseCliArgs(argv);
      expect(r.kind).toBe('error');
      if (r.kind !== 'error') continue;
      expect(r.exitCode).toBe(2);
      expect(r.message).toContain(message);
      expect(r.message).not.toContain('\n');
    }
  });

  test('a bad URL exits 1', () => {
    const r = parseCliArgs(['ftp://nowhere']);
    expect(r).toEqual({
      kind: 'error',
      message: '"ftp://nowhere" is not a WebSocket URL (expected ws:// or wss://)',
      exitCode: 1,
    });
  });
});

describe('wantsColor', () => {
  test('only on a TTY, never with NO_COLOR or --no-color, forced by FORCE_COLOR', () => {
    expect(wantsColor(false, true, {})).toBe(true);
    expect(wantsColor(false, false, {})).toBe(false);
    expect(wantsColor(true, true, {})).toBe(false);
    expect(wantsColor(false, true, { NO_COLOR: '1' })).toBe(false);
    expect(wantsColor(false, true, { NO_COLOR: '' })).toBe(true);
    expect(wantsColor(false, true, { TERM: 'dumb' })).toBe(false);
    expect(wantsColor(false, false, { FORCE_COLOR: '1' })).toBe(true);
    expect(wantsColor(false, false, { FORCE_COLOR: '0' })).toBe(false);
    expect(wantsColor(false, false, { FORCE_COLOR: '1', NO_COLOR: '1' })).toBe(false);
  });
});

describe('describeConnectFailure', () => {
  const url = 'ws://127.0.0.1:9001/';
  test('names the HTTP status of a refused upgrade, with a hint', () => {
    expect(
      describeConnectFailure(
        url,
        1006,
        '',
        "WebSocket connection to 'ws://127.0.0.1:9001/' failed: Expected 101 status code: 401",
      ),
    ).toBe(
      'cannot connect to ws://127.0.0.1:9001/: the server refused the upgrade (HTTP 401): a token is required: pass --token or set LINEAGE_AUTH_TOKEN',
    );
    expect(describeConnectFailure(url, 1006, '', 'Expected 101 status code: 429')).toContain(
      '(HTTP 429): too many connections or requests from this address',
    );
    expect(describeConnectFailure(url, 1006, '', 'Expected 101 status code: 418')).toBe(
      'cannot connect to ws://127.0.0.1:9001/: the server refused the upgrade (HTTP 418)',
    );
  });

  test('a refused or unreachable address, and a close before the welcome', () => {
    expect(describeConnectFailure(url, 1006, '', 'Failed to connect')).toContain('connection refused or unreachable');
    expect(describeConnectFailure(url, 1006, '', null)).toContain('is `bun run server` running?');
    expect(describeConnectFailure(url, 1008, 'rate limit exceeded', null)).toBe(
      'cannot connect to ws://127.0.0.1:9001/: the server closed the connection (1008 rate limit exceeded)',
    );
  });
});
