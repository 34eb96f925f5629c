// The raw load clients' response-head reader: kept across chunks until the blank line, bounded, the rest handed on.
import { describe, expect, test } from 'bun:test';
import { ResponseHead } from '../../bench/load/response-head.ts';

describe('ResponseHead', () => {
  test('a head split over chunks: kept until the blank line, then the head and what followed it', () => {
    const r = new ResponseHead();
    expect(r.push(Buffer.from('HTTP/1.1 101 Switching'))).toBe('more');
    const done = r.push(Buffer.from(' Protocols\r\nUpgrade: websocket\r\n\r\n\x81\x02hi', 'latin1'));
    if (typeof done === 'string') throw new Error(`expected the head, got ${done}`);
    expect(done.head).toBe('HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket');
    expect(Buffer.from(done.rest).toString('latin1')).toBe('\x81\x02hi');
  });

  test('no blank line within 16 KB is too large', () => {
    const r = new ResponseHead();
    expect(r.push(Buffer.alloc(8 * 1024, 'a'))).toBe('more');
    expect(r.push(Buffer.alloc(8 * 1024 + 1, 'a'))).toBe('too_large');
  });
});
