// The load clients' RFC 6455 framing: reassembly across TCP chunks, all three length forms, fragments, masking.
import { describe, expect, test } from 'bun:test';
import {
  clientFrame,
  closePayload,
  FrameReader,
  OP_CLOSE,
  OP_PING,
  OP_TEXT,
  upgradeRequest,
} from '../../bench/load/ws-wire.ts';

/** An unmasked server frame. */
function serverFrame(opcode: number, payload: Uint8Array, fin = true): Uint8Array {
  const n = payload.length;
  const h = n < 126 ? 2 : n < 65536 ? 4 : 10;
  const out = new Uint8Array(h + n);
  out[0] = (fin ? 0x80 : 0) | opcode;
  if (n < 126) out[1] = n;
  else if (n < 65536) {
    out[1] = 126;
    out[2] = n >>> 8;
    out[3] = n & 0xff;
  } else {
    out[1] = 127;
    new DataView(out.buffer).setBigUint64(2, BigInt(n));
  }
  out.set(payload, h);
  return out;
}

const text = (s: string) => new TextEncoder().encode(s);
const concat = (parts: Uint8Array[]) => {
  const out = new Uint8Array(parts.reduce((a, p) => a + p.length, 0));
  let at = 0;
  for (const p of parts) out.set(p, at), (at += p.length);
  return out;
};

function collect(reader: FrameReader, chunks: Uint8Array[]): Array<[number, string]> {
  const got: Array<[number, string]> = [];
  for (const c of chunks) reader.push(c, (op, b, s, e) => got.push([op, new TextDecoder().decode(b.subarray(s, e))]));
  return got;
}

describe('FrameReader', () => {
  const big = 'x'.repeat(70_000);
  const mid = 'y'.repeat(300);
  const stream = concat([
    serverFrame(OP_TEXT, text('hello')),
    serverFrame(OP_TEXT, text(mid)),
    serverFrame(OP_PING, text('p')),
    serverFrame(OP_TEXT, text(big)),
  ]);
  const expected: Array<[number, string]> = [
    [OP_TEXT, 'hello'],
    [OP_TEXT, mid],
    [OP_PING, 'p'],
    [OP_TEXT, big],
  ];

  test('one chunk: every frame, 7-bit, 16-bit and 64-bit lengths', () => {
    expect(collect(new FrameReader(), [stream])).toEqual(expected);
  });

  test('split at every byte boundary of the first 400 bytes, and byte by byte', () => {
    for (let cut = 1; cut < 400; cut++) {
      expect(collect(new FrameReader(), [stream.subarray(0, cut), stream.subarray(cut)])).toEqual(expected);
    }
    const small = concat([serverFrame(OP_TEXT, text('a')), serverFrame(OP_TEXT, text(mid))]);
    const bytes = Array.from(small, (b) => new Uint8Array([b]));
    expect(collect(new FrameReader(), bytes)).toEqual([
      [OP_TEXT, 'a'],
      [OP_TEXT, mid],
    ]);
  });

  test('fragmented messages are joined; control frames may come in between', () => {
    const frames = [
      serverFrame(OP_TEXT, text('he'), false),
      serverFrame(OP_PING, text('!')),
      serverFrame(0x0, text('ll'), false),
      serverFrame(0x0, text('o')),
    ];
    expect(collect(new FrameReader(), frames)).toEqual([
      [OP_PING, '!'],
      [OP_TEXT, 'hello'],
    ]);
  });

  test('RSV1 (permessage-deflate) is reported per message, from the first fragment', () => {
    const compressed = serverFrame(OP_TEXT, text('z'));
    compressed[0] = (compressed[0] as number) | 0x40;
    const first = serverFrame(OP_TEXT, text('a'), false);
    first[0] = (first[0] as number) | 0x40;
    const got: boolean[] = [];
    const r = new FrameReader();
    for (const c of [serverFrame(OP_TEXT, text('plain')), compressed, first, serverFrame(0x0, text('b'))])
      r.push(c, (_op, _b, _s, _e, rsv1) => got.push(rsv1));
    expect(got).toEqual([false, true, true]);
  });

  test('masked server frames are refused', () => {
    const r = new FrameReader();
    collect(r, [clientFrame(OP_TEXT, 'x')]);
    expect(r.error).toContain('masked');
  });
});

describe('upgradeRequest', () => {
  test('offers an extension only when asked', () => {
    expect(upgradeRequest('h:1', '/?x', 'k')).not.toContain('Extensions');
    expect(upgradeRequest('h:1', '/?x', 'k', 'permessage-deflate')).toContain(
      '\r\nSec-WebSocket-Extensions: permessage-deflate\r\n\r\n',
    );
  });
});

describe('clientFrame', () => {
  test('masks the payload (XOR with the key) and sets the lengths', () => {
    const mask = new Uint8Array([1, 2, 3, 4]);
    for (const payload of ['{"op":"ping"}', 'z'.repeat(200), 'w'.repeat(70_000)]) {
      const f = clientFrame(OP_TEXT, payload, mask);
      expect(f[0]).toBe(0x81);
      expect((f[1] as number) & 0x80).toBe(0x80);
      const h = payload.length < 126 ? 2 : payload.length < 65536 ? 4 : 10;
      const body = f.subarray(h + 4).map((b, i) => b ^ (mask[i & 3] as number));
      expect(new TextDecoder().decode(body)).toBe(payload);
    }
  });

  test('close payload: code then reason', () => {
    expect([...closePayload(1000, 'ok')]).toEqual([3, 232, 111, 107]);
    expect(clientFrame(OP_CLOSE, closePayload(1001))[0]).toBe(0x88);
  });
});
