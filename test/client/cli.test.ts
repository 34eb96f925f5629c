// `bun run client` as a user runs it: a subprocess against a real server on free ports, including a server restart.
import { afterAll, afterEach, describe, expect, test } from 'bun:test';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Subprocess } from 'bun';
import { HEADER, RULE } from '../../src/client/table.ts';
import { StreamEvent, WELCOME_MESSAGE } from '../../src/protocol/index.ts';
import { ROOT, type ServerProcess, startServer } from '../helpers/server-process.ts';

// Market data off: at a 100 ms simulated hour the books print ~10,000 trades a second, which is not what these tests are about.
const FAST = [
  '--market-interval-ms',
  '100',
  '--agent-interval-ms',
  '200',
  '--arena-round-ms',
  '1500',
  '--seed',
  '7',
  '--market-data',
  'off',
];
const dir = mkdtempSync(join(tmpdir(), 'lineage-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

interface Cli {
  proc: Subprocess<'ignore', 'pipe', 'pipe'>;
  stdout(): string;
  stderr(): string;
  lines(): string[];
  waitFor(pred: () => boolean, what: string, timeoutMs?: number): Promise<void>;
  interrupt(): Promise<number>;
}

const running: Cli[] = [];
let servers: ServerProcess[] = [];
afterEach(async () => {
  for (const c of running.splice(0)) if (c.proc.exitCode === null) c.proc.kill('SIGKILL');
  for (const s of servers) await s.stop('SIGKILL');
  servers = [];
});

function startCli(args: string[], env: Record<string, string> = {}): Cli {
  const proc = Bun.spawn(['bun', 'src/client/cli.ts', ...args], {
    cwd: ROOT,
    env: { ...process.env, NO_COLOR: '', FORCE_COLOR: '', ...env },
    stdin: 'ignore',
    stdout: 'pipe',
    stderr: 'pipe',
  });
  let out = '';
  let err = '';
  const pump = async (stream: ReadableStream<Uint8Array>, add: (s: string) => void) => {
    const decoder = new TextDecoder();
    for await (const chunk of stream) add(decoder.decode(chunk, { stream: true }));
  };
  const done = Promise.all([pump(proc.stdout, (s) => (out += s)), pump(proc.stderr, (s) => (err += s))]);
  const cli: Cli = {
    proc,
    stdout: () => out,
    stderr: () => err,
    lines: () => out.split('\n').slice(0, -1),
    async waitFor(pred, what, timeoutMs = 15_000) {
      const deadline = Date.now() + timeoutMs;
      while (!pred()) {
        if (proc.exitCode !== null)
          throw new Error(`client exited ${proc.exitCode} while waiting for ${what}:\n${err}`);
        if (Date.now() > deadline)
          throw new Error(`timed out waiting for ${what}; stderr:\n${err}\nstdout tail:\n${out.slice(-600)}`);
        await Bun.sleep(25);
      }
    },
    async interrupt() {
      proc.kill('SIGINT');
      const code = await proc.exited;
      await done;
      return code;
    },
  };
  running.push(cli);
  return cli;
}

async function runToExit(
  args: string[],
  env: Record<string, string> = {},
): Promise<{ code: number; stdout: string; stderr: string }> {
  const proc = Bun.spawn(['bun', 'src/client/cli.ts', ...args], {
    cwd: ROOT,
    env: { ...process.env, ...env },
    stdin: 'ignore',
    stdout: 'pipe',
    stderr: 'pipe',
  });
  const timer = setTimeout(() => proc.kill('SIGKILL'), 15_000);
  const [stdout, stderr, code] = await Promise.all([
    new Response(proc.stdout).text(),
    new Response(proc.stderr).text(),
    proc.exited,
  ]);
  clearTimeout(timer);
  return { code, stdout, stderr };
}

/** Icon cells of the seed's rows: after them, the columns start at fixed offsets. */
const ICON_CELLS = ['📈 ', '🟢 ', '⏸️  ', '💀 ', '🏆 ', '🐣 '];
const ROW = /^(?<label>MARKET|AGENT|ARENA round \d+|DEATH|BIRTH) +$/;

function columns(row: string): { label: string; key: string; value: string; rest: string } | null {
  const icon = ICON_CELLS.find((c) => row.startsWith(c));
  if (icon === undefined) return null;
  const body = row.slice(icon.length);
  const label = body.slice(0, 23);
  if (!ROW.test(label)) return null;
  const key = body.slice(23).split(' ')[0] as string;
  const valueAt = Math.max(40, 23 + key.length + 1);
  return { label: label.trim(), key, value: body.slice(valueAt, valueAt + 17).trim(), rest: body.slice(valueAt + 17) };
}

const isMarketRow = (l: string) => l.startsWith('📈 MARKET');
const isAgentRow = (l: string) => /^(🟢|⏸️ |💀) AGENT /.test(l);

describe('bun run client', () => {
  test('prints the seed header, welcome, and market/agent/arena rows in the seed layout; Ctrl-C exits 0', async () => {
    const server = await startServer(FAST);
    servers.push(server);
    const cli = startCli([server.url]);
    await cli.waitFor(
      () =>
        cli.lines().filter(isMarketRow).length >= 10 &&
        cli.lines().filter(isAgentRow).length >= 6 &&
        cli.stdout().includes('🏆 ARENA round'),
      'rows',
    );
    const lines = cli.lines();
    expect(lines.slice(0, 4)).toEqual([HEADER, RULE, `📨 Welcome: ${WELCOME_MESSAGE}`, '']);
    expect(HEADER).toBe('EVENT                     SYMBOL/AGENT     VALUE            TIMESTAMP');
    expect(cli.stdout()).not.toContain('\u001b[');
    for (const row of lines.slice(4)) {
      const c = columns(row);
      expect(c, `row in the seed layout: ${JSON.stringify(row)}`).not.toBeNull();
      if (c === null) continue;
      if (c.label === 'MARKET') {
        expect(c.key).toMatch(/^[A-Z]+-USD$/);
        expect(c.value).toMatch(/^\$\d+\.\d{2,6}$/);
        expect(c.rest).toMatch(/^\d{2}:\d{2}:\d{2}\.\d{3}Z$/);
      } else if (c.label === 'AGENT') {
        expect(c.value).toMatch(/^-?\$\d+\.\d{2}$/);
        expect(c.rest).toMatch(/^\d{2}:\d{2}:\d{2}\.\d{3}Z \(\d{1,3}\.\d%\)$/);
      } else if (c.label.startsWith('ARENA')) {
        expect(c.rest).toMatch(/^\d{2}:\d{2}:\d{2}\.\d{3}Z \(\d+ ranked/);
      }
    }
    expect(
      lines
        .filter(isAgentRow)
        .some((l) => l.includes(' Balanced ') || l.includes(' Momentum ') || l.includes(' Conservative ')),
    ).toBe(true);
    expect(await cli.interrupt()).toBe(0);
    expect(cli.stderr()).toBe('');
  });

  test('--json prints one protocol event per line, snapshots marked; FORCE_COLOR colours the table, --no-color wins', async () => {
    const server = await startServer(FAST);
    servers.push(server);
    const json = startCli([server.url, '--json', '--topics', 'market.BTC-USD,agent']);
    const colored = startCli([server.url], { FORCE_COLOR: '1' });
    const plain = startCli([server.url, '--no-color'], { FORCE_COLOR: '1' });
    await json.waitFor(() => json.lines().filter((l) => !l.includes('"snapshot"')).length >= 12, 'json events');
    const events = json.lines().map((l) => JSON.parse(l) as Record<string, unknown>);
    for (const e of events) expect(StreamEvent.safeParse(e).success).toBe(true);
    expect(events.some((e) => e.event_type === 'agent')).toBe(true);
    const markets = events.filter((e) => e.event_type === 'market') as Array<{ market: { symbol: string } }>;
    expect(markets.length).toBeGreaterThan(0);
    expect(markets.every((m) => m.market.symbol === 'BTC-USD')).toBe(true);
    expect(events[0]?.snapshot).toBe(true);
    expect(events.some((e) => e.snapshot === undefined)).toBe(true);
    await colored.waitFor(() => colored.lines().length > 8, 'colored rows');
    await plain.waitFor(() => plain.lines().length > 8, 'plain rows');
    expect(colored.stdout()).toContain('\u001b[');
    expect(plain.stdout()).not.toContain('\u001b[');
    for (const c of [json, colored, plain]) expect(await c.interrupt()).toBe(0);
  });

  test('a server restart mid-stream: the client says it resumed, and the printed sequence has no gap and no duplicate', async () => {
    const db = join(dir, 'restart.db');
    const args = [...FAST, '--arena-round-ms', '800', '--db', db, '--checkpoint-ms', '200'];
    let server = await startServer(args);
    servers.push(server);
    const port = new URL(server.url).port;
    const json = startCli([server.url, '--json', '--topics', 'market,agent,arena']);
    const table = startCli([server.url]);
    await json.waitFor(() => json.lines().length >= 60, 'events before the restart');
    await table.waitFor(() => table.lines().length >= 40, 'rows before the restart');
    expect((await server.stop('SIGTERM')).code).toBe(0);
    servers = [];
    const before = json.lines().length;
    await json.waitFor(() => json.stderr().includes('connection lost (1001'), 'the disconnect notice');
    server = await startServer([...args, '--port', port]);
    servers.push(server);
    expect(server.output()).toContain('restored');
    await json.waitFor(
      () => /reconnected, resumed \d+ events?/.test(json.stderr()) && json.lines().length >= before + 60,
      'events after the restart',
    );
    await table.waitFor(() => /reconnected, resumed \d+ events?/.test(table.stdout()), 'the table notice');
    await table.waitFor(() => table.lines().length >= 80, 'rows after the restart');
    expect(await json.interrupt()).toBe(0);
    expect(await table.interrupt()).toBe(0);

    const events = json.lines().map((l) => JSON.parse(l) as { sequence: number; snapshot?: true });
    const stream = events.filter((e) => !e.snapshot).map((e) => e.sequence);
    // Every topic is held, so the stream must be exactly consecutive: no gap, no duplicate, across the restart.
    expect(stream.length).toBeGreaterThan(100);
    expect(stream).toEqual(Array.from({ length: stream.length }, (_, i) => (stream[0] as number) + i));
    // Snapshots only come first (a resume sends none).
    const firstLive = events.findIndex((e) => !e.snapshot);
    expect(events.slice(firstLive).every((e) => !e.snapshot)).toBe(true);
    // The table printed every row once: each row names its event's symbol/agent and millisecond timestamp.
    const rows = table.lines().filter((l) => isMarketRow(l) || isAgentRow(l));
    expect(new Set(rows).size).toBe(rows.length);
    expect(table.stdout()).toMatch(/connection lost \(1001 server shutting down\); reconnecting in/);
  }, 60_000);

  test('a key_seq jump on a held key is printed as a gap naming the key and what is missing', async () => {
    const ts = '2026-01-01T00:00:00.000Z';
    const tick = (sequence: number, keySeq: number) =>
      JSON.stringify({
        event_type: 'market',
        market: { symbol: 'BTC-USD', price: 100 + keySeq, timestamp: ts, change_percent: 0 },
        sequence,
        key_seq: keySeq,
      });
    const server = Bun.serve({
      port: 0,
      hostname: '127.0.0.1',
      fetch: (req, srv) => (srv.upgrade(req) ? undefined : new Response('', { status: 400 })),
      websocket: {
        open(ws) {
          ws.send(
            JSON.stringify({
              event_type: 'welcome',
              message: WELCOME_MESSAGE,
              version: '0',
              epoch: 'e1',
              sequence: 0,
              oldest_sequence: 1,
              topics: ['market'],
              subscriptions: ['market'],
            }),
          );
          for (const [seq, k] of [
            [1, 1],
            [2, 2],
            [9, 5],
            [10, 6],
          ] as const)
            ws.send(tick(seq, k));
        },
        message() {},
      },
    });
    try {
      const cli = startCli([`ws://127.0.0.1:${server.port}`, '--no-color']);
      await cli.waitFor(() => cli.stdout().includes('gap on'), 'the gap notice');
      await cli.waitFor(() => cli.lines().filter(isMarketRow).length === 4, 'four rows');
      expect(cli.stdout()).toContain('gap on market.BTC-USD: 2 events missing (key_seq 3–4)');
      expect(cli.stdout().match(/gap on/g)).toHaveLength(1);
      expect(await cli.interrupt()).toBe(0);
    } finally {
      server.stop(true);
    }
  });

  test('a refused connection or a bad URL prints one line and exits 1; bad flags exit 2; --help exits 0', async () => {
    const closed = Bun.serve({ port: 0, hostname: '127.0.0.1', fetch: () => new Response('') });
    const port = closed.port;
    closed.stop(true);
    const refused = await runToExit([`ws://127.0.0.1:${port}`]);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toBe(
      `lineage-client: cannot connect to ws://127.0.0.1:${port}/: connection refused or unreachable (is \`bun run server\` running?)\n`,
    );
    expect(refused.stdout).toBe('');

    const badUrl = await runToExit(['ftp://example']);
    expect(badUrl).toEqual({
      code: 1,
      stdout: '',
      stderr: 'lineage-client: "ftp://example" is not a WebSocket URL (expected ws:// or wss://)\n',
    });

    const badFlag = await runToExit(['--colour']);
    expect(badFlag.code).toBe(2);
    expect(badFlag.stderr).toBe('lineage-client: unknown option "--colour" (see --help)\n');

    const help = await runToExit(['--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('Usage: bun run client [url] [options]');
    for (const flag of ['--topics', '--json', '--no-color']) expect(help.stdout).toContain(flag);
  });

  test('topics the server does not know are reported, and holding none is said plainly', async () => {
    const server = await startServer(FAST);
    servers.push(server);
    const cli = startCli([server.url, '--topics', 'market.NOPE-USD']);
    await cli.waitFor(() => cli.stdout().includes('server: unknown_topic'), 'the unknown_topic line');
    expect(cli.stdout()).toContain('holding no topics, so there is nothing to show (check --topics)');
    expect(await cli.interrupt()).toBe(0);
  });

  test('a server that refuses the upgrade (401) is named with its status', async () => {
    const server = await startServer([...FAST, '--auth-token', 'letmein-please']);
    servers.push(server);
    const denied = await runToExit([server.url]);
    expect(denied.code).toBe(1);
    expect(denied.stderr).toContain('(HTTP 401): a token is required');
    expect(denied.stderr.trim().split('\n')).toHaveLength(1);
    const allowed = startCli([server.url, '--json'], { LINEAGE_AUTH_TOKEN: 'letmein-please' });
    await allowed.waitFor(() => allowed.lines().length > 3, 'events with the token');
    expect(await allowed.interrupt()).toBe(0);
  });
});
