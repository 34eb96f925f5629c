// The SSE load client's reading: chunked bodies and `data:` lines, whatever the TCP chunks cut.
import { describe, expect, test } from 'bun:test';
import { sseUrl } from '../../bench/load/sse-socket.ts';
import { ChunkedDecoder, SseParser } from '../../bench/load/sse-wire.ts';

const enc = (s: string) => new TextEncoder().encode(s);
const dec = (b: Uint8Array, s: number, e: number) => new TextDecoder().decode(b.subarray(s, e));

function chunked(parts: string[]): string {
  return `${parts.map((p) => `${enc(p).length.toString(16)}\r\n${p}\r\n`).join('')}0\r\n\r\n`;
}

/** Every `data:` payload of `wire` fed in pieces cut at `cuts`. */
function read(wire: string, cuts: number[]): { data: string[]; done: boolean } {
  const bytes = enc(wire);
  const decoder = new ChunkedDecoder();
  const parser = new SseParser();
  const data: string[] = [];
  let at = 0;
  for (const cut of [...cuts, bytes.length]) {
    decoder.push(bytes.subarray(at, cut), (b, s, e) => parser.push(b, s, e, (d, ds, de) => data.push(dec(d, ds, de))));
    at = cut;
  }
  expect(decoder.error).toBeNull();
  return { data, done: decoder.done };
}

describe('SSE wire', () => {
  const events = [
    'retry: 1000\n\n',
    'event: welcome\ndata: {"event_type":"welcome","sequence":5}\n\n',
    ': ping\n\n',
    'id: 6\nevent: market\ndata: {"event_type":"market","sequence":6}\n\nid: 7\nevent: trade\ndata:{"x":7}\n\n',
  ];
  const want = ['{"event_type":"welcome","sequence":5}', '{"event_type":"market","sequence":6}', '{"x":7}'];

  test('data lines of complete events, comments and retry ignored, the end of the body seen', () => {
    expect(read(chunked(events), [])).toEqual({ data: want, done: true });
  });

  test('the same whatever the TCP chunks cut (inside sizes, CRLFs, events and lines)', () => {
    const wire = chunked(events);
    for (let cut = 1; cut < wire.length; cut += 3)
      expect(read(wire, [cut, Math.min(wire.length, cut + 7)]).data).toEqual(want);
  });

  test('a malformed chunk size is an error', () => {
    const d = new ChunkedDecoder();
    d.push(enc('zz\r\nxx'), () => {});
    expect(d.error).not.toBeNull();
  });

  test("the stream's URL is /sse on the WebSocket server's host, with the query", () => {
    expect(sseUrl('ws://127.0.0.1:9001?topics=market&since=4')).toBe('http://127.0.0.1:9001/sse?topics=market&since=4');
  });
});
