// permessage-deflate in the load clients: the server's answer parsed, and Bun's own compressed frames (shared: each
// message alone; dedicated: a window carried over) read back exactly, byte counts included.
import { describe, expect, test } from 'bun:test';
import { parseDeflateAgreement } from '../../bench/load/deflate.ts';
import { RawWebSocket } from '../../bench/load/raw-ws.ts';

describe('parseDeflateAgreement', () => {
  test("the server's parameters, or null without the extension", () => {
    const head = (ext: string) => `HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n${ext}Connection: Upgrade`;
    expect(
      parseDeflateAgreement(
        head(
          'Sec-WebSocket-Extensions: permessage-deflate; client_no_context_takeover; server_no_context_takeover\r\n',
        ),
      ),
    ).toEqual({ serverNoContextTakeover: true, serverMaxWindowBits: 15 });
    expect(
      parseDeflateAgreement(head('sec-websocket-extensions: permessage-deflate; server_max_window_bits=9\r\n')),
    ).toEqual({ serverNoContextTakeover: false, serverMaxWindowBits: 9 });
    expect(parseDeflateAgreement(head(''))).toBeNull();
    expect(parseDeflateAgreement(head('Sec-WebSocket-Extensions: x-other\r\n'))).toBeNull();
  });
});

/** Publish `messages` from a Bun server with `deflate`; what a raw client offering deflate reads, and its bytes. */
async function roundTrip(
  deflate: false | 'shared' | '4KB',
  messages: string[],
): Promise<{ texts: string[]; bytes: number }> {
  using server = Bun.serve({
    port: 0,
    fetch: (req, srv) => (srv.upgrade(req) ? undefined : new Response('no', { status: 400 })),
    websocket: {
      perMessageDeflate: deflate === false ? false : { compress: deflate, decompress: 'shared' },
      open: (ws) => {
        for (const m of messages) ws.send(m, true);
      },
      message() {},
    },
  });
  const texts: string[] = [];
  let bytes = 0;
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`got ${texts.length} of ${messages.length}`)), 5000);
    const ws = new RawWebSocket(
      `ws://127.0.0.1:${server.port}/`,
      {
        open: () => {},
        text: (b, s, e) => {
          texts.push(new TextDecoder().decode(b.subarray(s, e)));
          if (texts.length === messages.length) {
            clearTimeout(timer);
            ws.close();
            resolve();
          }
        },
        close: (code) => reject(new Error(`closed ${code}`)),
        chunk: (n) => {
          bytes += n;
        },
      },
      () => Date.now(),
      { deflate: true },
    );
  });
  return { texts, bytes };
}

describe('compressed frames from Bun', () => {
  const messages = Array.from(
    { length: 40 },
    (_, i) =>
      `{"event_type":"market","market":{"symbol":"S0${i % 4}-USD","price":${100 + i / 100},"timestamp":"2026-01-01T00:00:00.000Z"},"sequence":${i}}`,
  );

  test('every message reads back as sent, with or without a window carried over', async () => {
    const plain = await roundTrip(false, messages);
    const shared = await roundTrip('shared', messages);
    const dedicated = await roundTrip('4KB', messages);
    expect(plain.texts).toEqual(messages);
    expect(shared.texts).toEqual(messages);
    expect(dedicated.texts).toEqual(messages);
    // Carrying the window over is what makes small, similar messages small on the wire.
    expect(dedicated.bytes).toBeLessThan(plain.bytes / 2);
  });
});
