// `bun run box`: gateways sharing one WebSocket port (SO_REUSEPORT) behind one sim node and a Redis it starts itself;
// connections spread over the gateways, every client is served, and one signal stops every process.
import { describe, expect, test } from 'bun:test';
import { parseBoxArgs } from '../../src/cli/box.ts';
import { TestClient } from '../helpers/clients.ts';
import { ROOT } from '../helpers/server-process.ts';
import { ensureCommand } from '../helpers/system-deps.ts';

const freePort = () => {
  const s = Bun.listen({ hostname: '127.0.0.1', port: 0, socket: { data() {} } });
  const p = s.port;
  s.stop(true);
  return p;
};

describe('bun run box', () => {
  test('flags: defaults, a bad value named, unknown flags refused, node flags after --', () => {
    expect(parseBoxArgs([])).toMatchObject({ gateways: 2, port: 9001, redisUrl: null });
    expect(parseBoxArgs(['--gateways', '3', '--', '--seed', '4']).extra).toEqual(['--seed', '4']);
    expect(() => parseBoxArgs(['--gateways', '0'])).toThrow('--gateways: must be an integer 1–64');
    expect(() => parseBoxArgs(['--nope', '1'])).toThrow('unknown flag "--nope"');
    expect(() => parseBoxArgs(['--port'])).toThrow('--port: needs a value');
  });

  test('two gateways on one port share the connections; every client is welcomed; SIGTERM stops all', async () => {
    ensureCommand('redis-server', 'redis-server');
    const port = freePort();
    const metricsPort = freePort();
    const box = Bun.spawn(
      [
        'bun',
        'src/cli/box.ts',
        '--gateways',
        '2',
        '--port',
        String(port),
        '--metrics-port',
        String(metricsPort),
        '--',
        '--market-interval-ms',
        '200',
        '--market-data',
        'off',
        '--db',
        ':memory:',
      ],
      { cwd: ROOT, stdout: 'pipe', stderr: 'pipe' },
    );
    let out = '';
    void (async () => {
      for await (const chunk of box.stderr) out += new TextDecoder().decode(chunk);
    })();
    const deadline = Date.now() + 45_000;
    while (!out.includes('box ready') && Date.now() < deadline && box.exitCode === null) await Bun.sleep(100);
    expect(out).toContain('box ready');
    const clients: TestClient[] = [];
    try {
      for (let i = 0; i < 40; i++) clients.push(await TestClient.open(`ws://127.0.0.1:${port}/?topics=market`));
      for (const c of clients) expect((await c.nextOf('welcome', 10_000)).event_type).toBe('welcome');
      await Promise.all(clients.map((c) => c.nextOf('market', 10_000)));
      const counts = await Promise.all(
        [1, 2].map(async (i) => {
          const h = (await (await fetch(`http://127.0.0.1:${metricsPort + i}/health`)).json()) as {
            connections: number;
          };
          return h.connections;
        }),
      );
      expect(counts[0]! + counts[1]!).toBe(40);
      // The kernel spread them: both gateways hold some (all 40 on one has probability 2 × 2^-40).
      expect(Math.min(...counts)).toBeGreaterThan(0);
    } finally {
      for (const c of clients) c.close();
      box.kill('SIGTERM');
    }
    expect(await box.exited).toBe(0);
    // Every node is gone: nothing answers on the port or the metrics ports.
    for (const p of [port, metricsPort, metricsPort + 1, metricsPort + 2])
      expect(
        await fetch(`http://127.0.0.1:${p}/health`).then(
          () => 'up',
          () => 'down',
        ),
      ).toBe('down');
  }, 90_000);
});
