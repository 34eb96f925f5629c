// The startup line never shows a Redis password, whatever it contains.
import { describe, expect, test } from 'bun:test';
import { redactUrl } from '../../src/cluster/redact-url.ts';

describe('redactUrl', () => {
  test('credentials are replaced, the address is kept', () => {
    expect(redactUrl('redis://127.0.0.1:6379')).toBe('redis://127.0.0.1:6379');
    expect(redactUrl('redis://default:s3cret@10.0.0.5:6379/2')).toBe('redis://***@10.0.0.5:6379/2');
    expect(redactUrl('rediss://:s3cret@cache.example:6380')).toBe('rediss://***@cache.example:6380');
    expect(redactUrl('redis://onlyuser@cache.example')).toBe('redis://***@cache.example');
  });

  test('passwords with "@" or "/" (encoded or not) never appear', () => {
    const cases: [string, string][] = [
      ['redis://user:p@ss@cache.example:6379', 'p@ss'],
      ['redis://user:p%40ss@cache.example:6379', 'p%40ss'],
      ['redis://user:a%2Fb%2Fc@cache.example:6379/0', 'a%2Fb'],
      ['redis://:x@y@z@cache.example', 'x@y'],
    ];
    for (const [url, secret] of cases) {
      const shown = redactUrl(url);
      expect(shown).not.toContain(secret);
      expect(shown).not.toContain('user');
      expect(shown).toContain('cache.example');
    }
  });

  test('a URL that does not parse shows nothing of it', () => {
    for (const url of [
      'redis://user:pa/ss@cache.example:6379',
      'redis://user:pass@[::1',
      'not a url s3cret',
      'redis://host:99999999',
    ]) {
      const shown = redactUrl(url);
      expect(shown).not.toContain('pa/ss');
      expect(shown).not.toContain('s3cret');
      expect(shown).not.toContain('pass');
      expect(shown).toContain('not shown');
    }
  });
});
