// permessage-deflate (--compression): negotiated with the `ws` package, frames intact, fewer bytes on the wire.
import { afterEach, describe, expect, test } from 'bun:test';
import WsClient from 'ws';
import { loadConfig } from '../../src/config.ts';
import { type Harness, startHarness } from '../helpers/hub-harness.ts';

let h: Harness | null = null;
afterEach(() => {
  h?.stop();
  h = null;
});

/** A TCP proxy in front of the harness that counts the bytes the server sends (what crosses the wire). */
async function countingProxy(port: number): Promise<{ port: number; bytes(): number; stop(): void }> {
  let downstream = 0;
  const listener = Bun.listen<{ upstream: Promise<import('bun').Socket<unknown>> }>({
    hostname: '127.0.0.1',
    port: 0,
    socket: {
      open(client) {
        client.data = {
          upstream: Bun.connect({
            hostname: '127.0.0.1',
            port,
            socket: {
              data(_s, chunk) {
                downstream += chunk.byteLength;
                client.write(chunk);
              },
              close() {
                client.end();
              },
            },
          }),
        };
      },
      async data(client, chunk) {
        (await client.data.upstream).write(chunk);
      },
      async close(client) {
        (await client.data.upstream).end();
      },
    },
  });
  return { port: listener.port, bytes: () => downstream, stop: () => listener.stop(true) };
}

/** Connect a `ws` client (it offers permessage-deflate) through the proxy, take `n` market events, count the bytes. */
async function receive(harness: Harness, n: number): Promise<{ extensions: string; frames: string[]; bytes: number }> {
  const proxy = await countingProxy(harness.server.port as number);
  const ws = new WsClient(`ws://127.0.0.1:${proxy.port}/?topics=market`);
  const frames: string[] = [];
  await new Promise<void>((resolve, reject) => {
    ws.on('open', () => resolve());
    ws.on('error', reject);
  });
  ws.on('message', (data) => frames.push(String(data)));
  await Bun.sleep(50);
  const start = proxy.bytes();
  const before = frames.length;
  for (let i = 0; i < n; i++) harness.market('BTC-USD', 45_000 + i);
  const deadline = Date.now() + 5000;
  while (frames.length < before + n && Date.now() < deadline) await Bun.sleep(10);
  const bytes = proxy.bytes() - start;
  const extensions = ws.extensions;
  ws.close();
  proxy.stop();
  return { extensions, frames: frames.slice(before), bytes };
}

describe('compression', () => {
  test('off by default: not negotiated', async () => {
    expect(loadConfig([], {}).compression).toBe('off');
    h = startHarness();
    const r = await receive(h, 50);
    expect(r.extensions).toBe('');
    expect(r.frames).toHaveLength(50);
  });

  test('--compression shared|dedicated negotiates permessage-deflate; every frame arrives intact in fewer bytes', async () => {
    expect(loadConfig(['--compression', 'shared'], {}).compression).toBe('shared');
    expect(loadConfig([], { LINEAGE_COMPRESSION: 'on' }).compression).toBe('shared');
    expect(loadConfig([], { LINEAGE_COMPRESSION: 'dedicated' }).compression).toBe('dedicated');
    h = startHarness();
    const plain = await receive(h, 200);
    h.stop();
    const ratios: Record<string, number> = {};
    for (const mode of ['shared', 'dedicated'] as const) {
      h = startHarness({ compression: mode });
      const deflated = await receive(h, 200);
      h.stop();
      h = null;
      expect(deflated.extensions).toContain('permessage-deflate');
      expect(deflated.frames.map((f) => JSON.parse(f).market.price)).toEqual(
        plain.frames.map((f) => JSON.parse(f).market.price),
      );
      ratios[mode] = deflated.bytes / plain.bytes;
    }
    console.log(
      `200 market frames, ${plain.bytes} bytes plain: shared ${ratios.shared?.toFixed(2)}×, dedicated ${ratios.dedicated?.toFixed(2)}×`,
    );
    expect(ratios.shared).toBeLessThan(0.95);
    expect(ratios.dedicated).toBeLessThan(ratios.shared as number);
  });

  test('a bad value is refused naming the field', () => {
    expect(() => loadConfig(['--compression', 'maybe'], {})).toThrow('--compression: must be off, shared or dedicated');
  });
});
