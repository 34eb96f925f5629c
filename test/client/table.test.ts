// The terminal table reproduces the seed's layout byte for byte; colour never shifts a column.
import { describe, expect, test } from 'bun:test';
import {
  agentRow,
  arenaRows,
  COLUMNS,
  eventRows,
  formatPrice,
  HEADER,
  headerLines,
  marketRow,
  RULE,
  welcomeLines,
} from '../../src/client/table.ts';
import type { AgentData, ArenaData } from '../../src/protocol/index.ts';

const plain = { color: false };
const color = { color: true };
const strip = (s: string) => s.replace(/\u001b\[\d+m/g, '');

/** The seed's sample output, verbatim. */
const SEED = `EVENT                     SYMBOL/AGENT     VALUE            TIMESTAMP
─────────────────────────────────────────────────────────────────────
📨 Welcome: Connected to Lineage WebSocket broadcast server

📈 MARKET                 BTC-USD          $45150.32        14:30:45.123Z
📈 MARKET                 ETH-USD          $2500.45         14:30:45.456Z
🟢 AGENT                  Balanced         $115000.50       14:30:55.789Z (62.1%)
🟢 AGENT                  Momentum         $120500.75       14:30:55.890Z (58.0%)
⏸️  AGENT                  Conservative     $113200.25       14:30:55.901Z (52.0%)`;

const agent = (
  agent_id: string,
  capital: number,
  win_rate: number,
  status: AgentData['status'],
  timestamp: string,
): AgentData => ({
  agent_id,
  capital,
  trades_executed: 10,
  win_rate,
  status,
  timestamp,
});

describe('table', () => {
  test('header, welcome and rows are exactly the seed sample', () => {
    const lines = [
      ...headerLines(plain),
      ...welcomeLines('Connected to Lineage WebSocket broadcast server', plain),
      marketRow(
        { symbol: 'BTC-USD', price: 45150.32, timestamp: '2026-02-03T14:30:45.123Z', change_percent: 0.45 },
        plain,
      ),
      marketRow(
        { symbol: 'ETH-USD', price: 2500.45, timestamp: '2026-02-03T14:30:45.456Z', change_percent: -0.1 },
        plain,
      ),
      agentRow(agent('Balanced', 115000.5, 0.621, 'active', '2026-02-03T14:30:55.789Z'), plain),
      agentRow(agent('Momentum', 120500.75, 0.58, 'active', '2026-02-03T14:30:55.890Z'), plain),
      agentRow(agent('Conservative', 113200.25, 0.52, 'paused', '2026-02-03T14:30:55.901Z'), plain),
    ];
    expect(lines.join('\n')).toBe(SEED);
    expect(RULE.length).toBe(HEADER.length);
  });

  test('eliminated agents get the skull; ids longer than the column keep a separating space', () => {
    const row = agentRow(agent('MeanReversion-g12-345', 42000, 0, 'eliminated', '2026-02-03T14:30:55.901Z'), plain);
    expect(row).toBe('💀 AGENT                  MeanReversion-g12-345 $42000.00        14:30:55.901Z (0.0%)');
  });

  test('sub-dollar prices keep six decimals; negative capital reads -$', () => {
    expect(formatPrice(0.585474)).toBe('$0.585474');
    expect(formatPrice(45150.321)).toBe('$45150.32');
    expect(agentRow(agent('X', -12.5, 0.5, 'eliminated', '2026-02-03T00:00:00.000Z'), plain)).toContain('-$12.50');
  });

  test('arena: a winner row, then one row per death and per birth, in the same columns', () => {
    const arena: ArenaData = {
      round: 12,
      winner: 'Momentum',
      timestamp: '2026-02-03T14:33:00.000Z',
      ranking: [
        { rank: 1, agent_id: 'Momentum', capital: 120500.75, strategy: 'Momentum', generation: 0 },
        { rank: 2, agent_id: 'Balanced', capital: 40000, strategy: 'Balanced', generation: 0 },
      ],
      births: [{ agent_id: 'Momentum-g1-7', parent: 'Momentum', generation: 1, strategy: 'Momentum' }],
      deaths: [{ agent_id: 'Balanced', reason: 'eliminated', capital: 40000 }],
    };
    expect(arenaRows(arena, plain)).toEqual([
      '🏆 ARENA round 12         Momentum         $120500.75       14:33:00.000Z (2 ranked, 1 born, 1 died)',
      '💀 DEATH                  Balanced         $40000.00        14:33:00.000Z (eliminated)',
      '🐣 BIRTH                  Momentum-g1-7    gen 1            14:33:00.000Z (from Momentum)',
    ]);
    const rows = eventRows({ event_type: 'arena', arena, sequence: 9 }, plain);
    expect(rows).toHaveLength(3);
  });

  test('colour adds escapes only: stripped, the text is the same, and the columns stay put', () => {
    const m = { symbol: 'BTC-USD', price: 45150.32, timestamp: '2026-02-03T14:30:45.123Z', change_percent: 0.45 };
    const colored = marketRow(m, color);
    expect(colored).not.toBe(marketRow(m, plain));
    expect(colored).toContain('\u001b[32m$45150.32\u001b[39m');
    expect(strip(colored)).toBe(marketRow(m, plain));
    for (const status of ['active', 'paused', 'eliminated'] as const) {
      const a = agent('Balanced', 1, 0.5, status, '2026-02-03T14:30:55.789Z');
      expect(strip(agentRow(a, color))).toBe(agentRow(a, plain));
    }
    expect(strip(headerLines(color).join('\n'))).toBe(headerLines(plain).join('\n'));
    expect(plain.color).toBe(false);
    expect(marketRow(m, plain)).not.toContain('\u001b');
  });

  test('snapshot rows read the same without colour and are dimmed with it', () => {
    const m = { symbol: 'ETH-USD', price: 2500.45, timestamp: '2026-02-03T14:30:45.456Z', change_percent: 0 };
    expect(marketRow(m, plain, true)).toBe(marketRow(m, plain));
    expect(marketRow(m, color, true)).toContain('\u001b[2m');
    expect(strip(marketRow(m, color, true))).toBe(marketRow(m, plain));
  });

  test("column widths are the seed's", () => {
    expect(COLUMNS).toEqual({ event: 26, key: 17, value: 17 });
    expect(HEADER.indexOf('SYMBOL/AGENT')).toBe(26);
    expect(HEADER.indexOf('VALUE')).toBe(43);
    expect(HEADER.indexOf('TIMESTAMP')).toBe(60);
  });
});
