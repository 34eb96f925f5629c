// Server URLs: accepted spellings, clear errors, and the per-connection query (topics, since, epoch).
import { describe, expect, test } from 'bun:test';
import { normalizeServerUrl, streamUrl } from '../../src/client/stream-url.ts';

describe('normalizeServerUrl', () => {
  test('accepts ws, wss, http(s) and bare host:port', () => {
    expect(normalizeServerUrl('ws://127.0.0.1:9001')).toBe('ws://127.0.0.1:9001/');
    expect(normalizeServerUrl('wss://example.test/ws')).toBe('wss://example.test/ws');
    expect(normalizeServerUrl('http://127.0.0.1:9001')).toBe('ws://127.0.0.1:9001/');
    expect(normalizeServerUrl('https://example.test')).toBe('wss://example.test/');
    expect(normalizeServerUrl('127.0.0.1:9001')).toBe('ws://127.0.0.1:9001/');
    expect(normalizeServerUrl('  localhost:9001  ')).toBe('ws://localhost:9001/');
  });

  test('rejects anything else with one line', () => {
    expect(() => normalizeServerUrl('ftp://x')).toThrow('is not a WebSocket URL');
    expect(() => normalizeServerUrl('ws://')).toThrow();
    expect(() => normalizeServerUrl('')).toThrow('empty');
    expect(() => normalizeServerUrl('ws://bad host:1')).toThrow('not a valid URL');
  });
});

describe('streamUrl', () => {
  const base = 'ws://127.0.0.1:9001/';
  test('nothing added for a default first connection', () => {
    expect(streamUrl(base)).toBe(base);
    expect(streamUrl(base, { topics: null, since: null })).toBe(base);
  });

  test('topics, since and epoch', () => {
    expect(streamUrl(base, { topics: ['market.BTC-USD', 'arena'] })).toBe(
      'ws://127.0.0.1:9001/?topics=market.BTC-USD,arena',
    );
    const u = new URL(streamUrl(base, { topics: ['agent'], since: 42, epoch: 'abc' }));
    expect(u.searchParams.get('topics')).toBe('agent');
    expect(u.searchParams.get('since')).toBe('42');
    expect(u.searchParams.get('epoch')).toBe('abc');
    expect(new URL(streamUrl(base, { since: 0 })).searchParams.get('since')).toBe('0');
  });

  test('keeps other parameters (a token) and replaces a stale since/epoch', () => {
    const u = new URL(streamUrl('ws://h:1/?token=t0k&since=5&epoch=old', { since: 9, epoch: null }));
    expect(u.searchParams.get('token')).toBe('t0k');
    expect(u.searchParams.get('since')).toBe('9');
    expect(u.searchParams.has('epoch')).toBe(false);
    expect(new URL(streamUrl('ws://h:1/?since=5&epoch=old', {})).search).toBe('');
  });
});
