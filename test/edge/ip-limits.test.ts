// Per-address limits as plain functions on an injected clock, and which address a request counts under.
import { describe, expect, test } from 'bun:test';
import { clientAddress } from '../../src/edge/client-address.ts';
import { IpLimits } from '../../src/edge/ip-limits.ts';

describe('IpLimits', () => {
  test('the rate: a burst of 2× the rate, then one per 1/rate s; Retry-After in whole seconds; per address', () => {
    let now = 0;
    const limits = new IpLimits({ maxConnectionsPerIp: 0, maxConnectsPerIpPerS: 2 }, () => now);
    for (let i = 0; i < 4; i++) expect(limits.take('a')).toBeNull();
    expect(limits.take('a')).toBe(1);
    expect(limits.take('b')).toBeNull();
    now += 499;
    expect(limits.take('a')).toBe(1);
    now += 2;
    expect(limits.take('a')).toBeNull();
    const slow = new IpLimits({ maxConnectionsPerIp: 0, maxConnectsPerIpPerS: 1 }, () => 0);
    slow.take('a');
    slow.take('a');
    expect(slow.take('a')).toBe(1);
  });

  test('off at 0: no bucket is kept', () => {
    const limits = new IpLimits({ maxConnectionsPerIp: 0, maxConnectsPerIpPerS: 0 });
    for (let i = 0; i < 1000; i++) expect(limits.take('a')).toBeNull();
    limits.opened('a');
    expect(limits.full('a')).toBe(false);
    expect(limits.size).toEqual({ held: 0, buckets: 0 });
  });

  test('refilled buckets are swept, so addresses seen once are forgotten', () => {
    let now = 0;
    const limits = new IpLimits({ maxConnectionsPerIp: 0, maxConnectsPerIpPerS: 10 }, () => now);
    for (let i = 0; i < 100; i++) limits.take(`10.0.0.${i}`);
    expect(limits.size.buckets).toBe(100);
    now += 11_000;
    limits.take('10.0.1.1');
    expect(limits.size.buckets).toBe(1);
  });

  test('connections: full at the bound, free again when one ends; counts are dropped at zero', () => {
    const limits = new IpLimits({ maxConnectionsPerIp: 2, maxConnectsPerIpPerS: 0 });
    limits.opened('a');
    expect(limits.full('a')).toBe(false);
    limits.opened('a');
    expect(limits.full('a')).toBe(true);
    expect(limits.full('b')).toBe(false);
    limits.closed('a');
    expect(limits.full('a')).toBe(false);
    limits.closed('a');
    limits.closed('a');
    expect(limits.size.held).toBe(0);
  });
});

describe('clientAddress', () => {
  const proxies = new Set(['10.1.1.1', '10.0.0.2']);
  test('off, or a peer that is not a trusted proxy: the peer, whatever X-Forwarded-For says', () => {
    expect(clientAddress('10.1.1.1', '203.0.113.9', new Set())).toBe('10.1.1.1');
    expect(clientAddress(undefined, null, proxies)).toBe('unknown');
    expect(clientAddress('198.51.100.4', '203.0.113.9', proxies)).toBe('198.51.100.4');
    expect(clientAddress('::ffff:198.51.100.4', null, new Set())).toBe('198.51.100.4');
  });

  test('from a trusted proxy: the rightmost entry that is not one of ours, never what the client claimed', () => {
    expect(clientAddress('10.1.1.1', '203.0.113.9', proxies)).toBe('203.0.113.9');
    expect(clientAddress('::ffff:10.1.1.1', '203.0.113.9', proxies)).toBe('203.0.113.9');
    expect(clientAddress('10.1.1.1', '198.51.100.7, 203.0.113.9', proxies)).toBe('203.0.113.9');
    expect(clientAddress('10.1.1.1', 'spoofed, 203.0.113.9, 10.0.0.2', proxies)).toBe('203.0.113.9');
    expect(clientAddress('10.1.1.1', '2001:DB8::1', proxies)).toBe('2001:db8::1');
  });

  test('a missing, malformed or all-proxy header falls back to the peer', () => {
    expect(clientAddress('10.1.1.1', null, proxies)).toBe('10.1.1.1');
    expect(clientAddress('10.1.1.1', '10.0.0.2', proxies)).toBe('10.1.1.1');
    expect(clientAddress('10.1.1.1', 'not an address', proxies)).toBe('10.1.1.1');
    expect(clientAddress('10.1.1.1', '', proxies)).toBe('10.1.1.1');
  });
});
