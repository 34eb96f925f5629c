// JWTs on the real server process: the key sources as flags and env vars, their config errors, a JWKS file rotated
// with SIGHUP and by changing the file, and nothing secret (or any sub) printed or exported as a metric label.
import { afterEach, describe, expect, test } from 'bun:test';
import { mkdtempSync, renameSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TestClient, waitUntil } from '../helpers/clients.ts';
import { hs256, keyPair, SECRET, upgradeRequest, writeJwks } from '../helpers/jwt.ts';
import { runServerExpectingExit, type ServerProcess, startServer } from '../helpers/server-process.ts';

let server: ServerProcess | null = null;
afterEach(async () => {
  await server?.stop('SIGKILL');
  server = null;
});
const dir = mkdtempSync(join(tmpdir(), 'lineage-credentials-'));

async function welcomed(url: string): Promise<void> {
  const c = await TestClient.open(url, 'ws');
  await c.nextOf('welcome');
  c.close();
}

describe('configuration', () => {
  test.each([
    [['--jwt-secret', SECRET, '--jwks', 'keys.json'], '--jwt-secret and --jwks: set one JWT key source, not 2'],
    [['--jwt-public-key', 'k.pem', '--jwks', 'keys.json'], '--jwt-public-key and --jwks'],
    [['--auth-token', 'shared-token-1', '--jwt-public-key', 'k.pem'], '--auth-token and --jwt-public-key: a shared'],
    [['--jwt-secret', 'short'], '--jwt-secret: must be at least 32 characters'],
    [['--trust-proxy', 'maybe'], '--trust-proxy: must be off or a comma-separated list of proxy IP addresses'],
    [['--max-connections-per-ip', '-1'], '--max-connections-per-ip: must be ≥ 0'],
  ])('%j exits 2 with one line', async (args, message) => {
    const { code, output } = await runServerExpectingExit([...args, '--db', ':memory:']);
    expect(code).toBe(2);
    expect(output.trim().split('\n')).toHaveLength(1);
    expect(output).toContain(message);
    expect(output).not.toContain(SECRET);
    expect(output).not.toContain('short');
  });

  test('a key file that is missing or not a key stops the start with one line', async () => {
    const junk = join(dir, 'junk.pem');
    writeFileSync(junk, 'not a key');
    for (const args of [
      ['--jwt-public-key', junk],
      ['--jwks', join(dir, 'absent.json')],
    ]) {
      const { code, output } = await runServerExpectingExit([...args, '--db', ':memory:', '--port', '0']);
      expect(code).toBe(1);
      expect(output).toMatch(/lineage: --(jwt-public-key|jwks): /);
    }
  });
});

describe('the server process', () => {
  test('LINEAGE_JWT_SECRET: HS256 only; the secret and the sub are never printed or exported', async () => {
    server = await startServer(['--market-interval-ms', '50'], { LINEAGE_JWT_SECRET: SECRET });
    expect(server.output()).toContain('🔐 connections need JWTs (HS256)');
    const token = await hs256({ sub: 'sub-never-a-label' });
    await welcomed(`${server.url}?token=${token}`);
    const rsa = await keyPair('RS256');
    expect((await upgradeRequest(server.http, `/?token=${await rsa.token()}`)).status).toBe(401);
    expect((await upgradeRequest(server.http)).status).toBe(401);
    const metrics = await (await fetch(`${server.metrics}/metrics`)).text();
    expect(metrics).toMatch(/lineage_upgrades_rejected_total\{reason="unauthorized"\} 2/);
    expect(metrics).toMatch(/lineage_upgrades_rejected_total\{reason="token_expired"\} 0/);
    for (const text of [server.output(), metrics]) {
      expect(text).not.toContain(SECRET);
      expect(text).not.toContain('sub-never-a-label');
    }
  });

  test('--token-refresh-window-s, the per-address limits and --trust-proxy reach the node', async () => {
    server = await startServer(
      [
        ...['--token-refresh-window-s', '59', '--max-connections-per-ip', '1'],
        ...['--max-connects-per-ip-per-s', '50', '--trust-proxy', '127.0.0.1,::1'],
      ],
      { LINEAGE_JWT_SECRET: SECRET },
    );
    const exp = Math.floor(Date.now() / 1000) + 60;
    const c = await TestClient.open(`${server.url}?token=${await hs256({ exp })}`, 'ws');
    await c.nextOf('welcome');
    // exp is 59-60 s ahead and the window 59 s: the notice comes within about a second, not after 30.
    expect(await c.nextOf('token_expiring', 3000)).toEqual({ event_type: 'token_expiring', exp });
    const second = await upgradeRequest(server.http, `/?token=${await hs256()}`);
    expect(second.status).toBe(429);
    expect(((await second.json()) as { error: { code: string } }).error.code).toBe('ip_connection_limit');
    // Behind the (trusted) proxy, another client address has its own count.
    const proxied = await TestClient.open(`${server.url}?token=${await hs256()}`, 'ws', {
      'x-forwarded-for': '203.0.113.5',
    });
    await proxied.nextOf('welcome');
    proxied.close();
    c.close();
    const s = server;
    const statuses = await Promise.all(Array.from({ length: 120 }, () => fetch(`${s.http}/api/snapshot`)));
    expect(statuses.filter((r) => r.status === 429).length).toBeGreaterThan(0);
    expect(statuses.find((r) => r.status === 429)?.headers.get('retry-after')).toBe('1');
  });

  for (const alg of ['RS256', 'ES256'] as const) {
    test(`--jwt-public-key with an ${alg} key: its tokens pass, an HS256 one made with the public key does not`, async () => {
      const pair = await keyPair(alg);
      const path = join(dir, `${alg}.pem`);
      writeFileSync(path, pair.pem);
      server = await startServer(['--jwt-public-key', path]);
      expect(server.output()).toContain(`JWTs (${alg})`);
      await welcomed(`${server.url}?token=${await pair.token()}`);
      const confused = await hs256({}, pair.pem);
      const r = await fetch(`${server.http}/api/snapshot`, { headers: { authorization: `Bearer ${confused}` } });
      expect(r.status).toBe(401);
      expect(((await r.json()) as { error: { message: string } }).error.message).toContain(`accepted: ${alg}`);
    });
  }

  test('--jwks rotates: SIGHUP re-reads the file, and so does a change to it', async () => {
    const k1 = await keyPair('ES256', 'k1');
    const k2 = await keyPair('RS256', 'k2');
    const k3 = await keyPair('ES256', 'k3');
    const path = join(dir, 'jwks.json');
    writeJwks(path, [k1.jwk]);
    server = await startServer(['--jwks', path]);
    const s = server;
    const status = async (token: string) => (await fetch(`${s.http}/api/snapshot?token=${token}`)).status;
    expect(await status(await k1.token())).toBe(200);
    expect(await status(await k2.token())).toBe(401);

    writeJwks(path, [k2.jwk]);
    s.proc.kill('SIGHUP');
    await waitUntil(() => s.output().includes('re-read (SIGHUP): kids k2'), 5000, 'the SIGHUP re-read');
    expect(await status(await k2.token())).toBe(200);
    expect(await status(await k1.token())).toBe(401);

    // A deploy that replaces the file (write, then rename) is picked up without a signal.
    writeJwks(`${path}.tmp`, [k2.jwk, k3.jwk]);
    renameSync(`${path}.tmp`, path);
    await waitUntil(() => s.output().includes('re-read (file changed): kids k2, k3'), 5000, 'the file re-read');
    expect(await status(await k3.token())).toBe(200);

    // A broken file keeps the keys in force, and the process keeps serving.
    writeFileSync(path, '{"keys":');
    s.proc.kill('SIGHUP');
    await waitUntil(() => s.output().includes('keeping the previous keys'), 5000, 'the refused re-read');
    expect(await status(await k3.token())).toBe(200);
    expect(s.proc.exitCode).toBeNull();
  }, 20_000);
});
