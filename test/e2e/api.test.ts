// The REST API backed by the simulation: agents (with ancestry and scars), arena rounds, and replayed prices.
import { afterAll, beforeAll, describe, expect, test } from 'bun:test';
import { TestClient } from '../helpers/clients.ts';
import { ROOT, runServerExpectingExit, type ServerProcess, startServer } from '../helpers/server-process.ts';

const getJson = async (url: string) => {
  const res = await fetch(url);
  return { status: res.status, body: (await res.json()) as any };
};

describe('REST API on a running simulation', () => {
  let server: ServerProcess;
  beforeAll(async () => {
    server = await startServer([
      '--market-interval-ms',
      '20',
      '--market-data',
      'off',
      '--agent-interval-ms',
      '40',
      '--arena-round-ms',
      '300',
      '--seed',
      '5',
      '--agents',
      '8',
    ]);
    const deadline = Date.now() + 15000;
    while (Date.now() < deadline) {
      const { body } = await getJson(`${server.http}/api/arena/rounds?limit=3`);
      if (body.rounds?.length >= 3) return;
      await Bun.sleep(100);
    }
    throw new Error('no arena rounds');
  });
  afterAll(async () => {
    await server.stop('SIGKILL');
  });

  test('GET /api/agents lists the live population with the seed fields', async () => {
    const { status, body } = await getJson(`${server.http}/api/agents`);
    expect(status).toBe(200);
    expect(body.agents).toHaveLength(8);
    for (const a of body.agents) {
      expect(typeof a.agent_id).toBe('string');
      expect(a.win_rate).toBeGreaterThanOrEqual(0);
      expect(a.win_rate).toBeLessThanOrEqual(1);
      expect(['active', 'paused', 'eliminated']).toContain(a.status);
    }
  });

  test('GET /api/agents/:id gives a live agent with scars and ancestry, and a dead one from the record', async () => {
    const { body: list } = await getJson(`${server.http}/api/agents`);
    const child = list.agents.find((a: any) => a.parent !== null) ?? list.agents[0];
    const { status, body } = await getJson(`${server.http}/api/agents/${child.agent_id}`);
    expect(status).toBe(200);
    expect(body.alive).toBe(true);
    expect(body.agent.agent_id).toBe(child.agent_id);
    expect(Array.isArray(body.scars)).toBe(true);
    expect(body.scars.length).toBe(body.agent.scars);
    if (child.parent !== null) {
      expect(body.ancestry[0]).toBe(child.parent);
      const parent = await getJson(`${server.http}/api/agents/${child.parent}`);
      expect(parent.status).toBe(200);
    }
    const rounds = (await getJson(`${server.http}/api/arena/rounds?limit=50`)).body.rounds as any[];
    const death = rounds.flatMap((r) => r.result.deaths)[0];
    if (death) {
      const dead = await getJson(`${server.http}/api/agents/${death.agent_id}`);
      expect(dead.status).toBe(200);
      expect(dead.body.alive).toBe(false);
      expect(dead.body.record.death_reason).toBe(death.reason);
    }
  });

  test('GET /api/arena/rounds returns the newest rounds first, bounded by limit', async () => {
    const { status, body } = await getJson(`${server.http}/api/arena/rounds?limit=2`);
    expect(status).toBe(200);
    expect(body.rounds).toHaveLength(2);
    expect(body.rounds[0].round).toBe(body.rounds[1].round + 1);
    expect(body.rounds[0].result.ranking.length).toBe(8);
    expect(body.rounds[0].winner).toBe(body.rounds[0].result.ranking[0].agent_id);
    const older = await getJson(`${server.http}/api/arena/rounds?limit=1&before=${body.rounds[1].round}`);
    expect(older.body.rounds[0].round).toBe(body.rounds[1].round - 1);
  });

  test('rounds are summaries with a link to the full record, which pages the ranking; pages link to the next one', async () => {
    const { body } = await getJson(`${server.http}/api/arena/rounds?limit=2`);
    const newest = body.rounds[0];
    expect(newest.result).toMatchObject({ ranking_size: 8, ranking_truncated: false });
    expect(newest.result.births_size).toBe(newest.result.births.length);
    expect(newest.result.deaths_size).toBe(newest.result.deaths.length);
    expect(newest.links.full).toBe(`/api/arena/rounds/${newest.round}`);
    expect(body.links.next).toBe(`/api/arena/rounds?limit=2&before=${body.rounds[1].round}`);
    const next = await getJson(`${server.http}${body.links.next}`);
    expect(next.body.rounds[0].round).toBe(body.rounds[1].round - 1);

    const full = await getJson(`${server.http}${newest.links.full}?limit=3`);
    expect(full.status).toBe(200);
    expect(full.body).toMatchObject({
      round: newest.round,
      winner: newest.winner,
      sequence: newest.sequence,
      page: { offset: 0, limit: 3, total: 8 },
    });
    expect(full.body.result.ranking).toEqual(newest.result.ranking.slice(0, 3));
    expect(full.body.links.next).toBe(`/api/arena/rounds/${newest.round}?offset=3&limit=3`);
    const rest = await getJson(`${server.http}/api/arena/rounds/${newest.round}?offset=3&limit=1000`);
    expect(rest.body.result.ranking.map((r: any) => r.rank)).toEqual([4, 5, 6, 7, 8]);
    expect(rest.body.links).toBeUndefined();
    expect(rest.body.result.births).toEqual(newest.result.births);

    expect((await getJson(`${server.http}/api/arena/rounds/999999`)).status).toBe(404);
    for (const q of ['0', 'x', '1?limit=0', '1?limit=1001', '1?offset=-1', '1?offset=a']) {
      const r = await getJson(`${server.http}/api/arena/rounds/${q}`);
      expect(r.status).toBe(400);
      expect(r.body.error.code).toBe('bad_request');
    }
  });

  test('GET /api/agents is paged: total, offset, limit and a link to the next page', async () => {
    const { body } = await getJson(`${server.http}/api/agents?limit=3&offset=2`);
    expect(body).toMatchObject({ total: 8, offset: 2, limit: 3, links: { next: '/api/agents?offset=5&limit=3' } });
    expect(body.agents).toHaveLength(3);
    const all = (await getJson(`${server.http}/api/agents`)).body;
    expect(all).toMatchObject({ total: 8, offset: 0, limit: 100 });
    expect(all.links).toBeUndefined();
    for (const q of ['limit=0', 'limit=1001', 'offset=-1', 'offset=x'])
      expect((await getJson(`${server.http}/api/agents?${q}`)).status).toBe(400);
  });

  test('unknown ids are 404 and bad parameters 400, with a JSON error', async () => {
    const missing = await getJson(`${server.http}/api/agents/NoSuchAgent`);
    expect(missing.status).toBe(404);
    expect(missing.body.error.code).toBe('not_found');
    const bad = await getJson(`${server.http}/api/agents/${encodeURIComponent('bad id!')}`);
    expect(bad.status).toBe(400);
    for (const q of ['limit=0', 'limit=abc', 'limit=101', 'limit=-1', 'before=x']) {
      const r = await getJson(`${server.http}/api/arena/rounds?${q}`);
      expect(r.status).toBe(400);
      expect(r.body.error.code).toBe('bad_request');
    }
  });
});

describe('replaying recorded prices', () => {
  test('--replay samples/prices.csv streams the recorded prices in file order', async () => {
    const server = await startServer([
      '--replay',
      'samples/prices.csv',
      '--market-interval-ms',
      '20',
      '--market-data',
      'off',
    ]);
    try {
      const c = await TestClient.open(`${server.url}?topics=market.BTC-USD`, 'ws');
      const ticks = await c.waitFor((f) => f.event_type === 'market' && !f.snapshot, 5, 5000);
      const csv = (await Bun.file(`${ROOT}/samples/prices.csv`).text()).trim().split('\n').slice(1);
      const recorded = csv.filter((l) => l.split(',')[1] === 'BTC-USD').map((l) => Number(l.split(',')[2]));
      const prices = ticks.map((t) => t.market.price);
      const at = recorded.indexOf(prices[0]);
      expect(at).toBeGreaterThanOrEqual(0);
      expect(prices).toEqual(recorded.slice(at, at + prices.length));
      c.close();
    } finally {
      await server.stop('SIGKILL');
    }
  });

  test('a bad CSV stops the server naming the file and line', async () => {
    const path = `${ROOT}/test-artifacts-bad.csv`;
    await Bun.write(
      path,
      'timestamp,symbol,price\n2026-01-01T00:00:00Z,BTC-USD,45000\n2026-01-01T00:01:00Z,BTC-USD,-3\n',
    );
    try {
      const r = await runServerExpectingExit([
        '--port',
        '0',
        '--metrics-port',
        '0',
        '--db',
        ':memory:',
        '--replay',
        path,
      ]);
      expect(r.code).toBe(1);
      expect(r.output).toContain('line 3');
      expect(r.output).toContain(path);
    } finally {
      await Bun.file(path).delete();
    }
  });
});

describe('determinism end to end', () => {
  test('two servers with the same --seed stream the same prices and agent figures (timestamps aside)', async () => {
    const args = [
      '--seed',
      '99',
      '--market-interval-ms',
      '20',
      '--market-data',
      'off',
      '--agent-interval-ms',
      '40',
      '--arena-round-ms',
      '200',
    ];
    const runs: string[][] = [];
    for (let i = 0; i < 2; i++) {
      const server = await startServer(args);
      try {
        const c = await TestClient.open(`${server.url}?since=0&topics=market,agent,arena`, 'ws');
        const events = await c.waitFor(
          (f) => ['market', 'agent', 'arena'].includes(f.event_type) && !f.snapshot,
          150,
          10000,
        );
        runs.push(
          events.slice(0, 150).map((e) => {
            const body = { ...(e.market ?? e.agent ?? e.arena) };
            delete body.timestamp;
            return `${e.sequence} ${e.event_type} ${JSON.stringify(body)}`;
          }),
        );
        c.close();
      } finally {
        await server.stop('SIGKILL');
      }
    }
    expect(runs[0]).toHaveLength(150);
    expect(runs[1]).toEqual(runs[0] as string[]);
  });
});
