// The terminal client's table in the seed's layout: header, welcome line and one row per event (pure, no I/O).
import type { AgentData, AgentStatus, ArenaData, MarketData, StreamEvent } from '../protocol/index.ts';

/** Column widths of the seed's table (EVENT, SYMBOL/AGENT, VALUE; TIMESTAMP runs to the end). */
export const COLUMNS = { event: 26, key: 17, value: 17 } as const;
/** The icon cell is three terminal columns wide: a wide emoji and a space (narrow-rendered emoji get two spaces). */
const ICON_CELL = 3;

export interface TableStyle {
  color: boolean;
}

type Tone = 'bold' | 'dim' | 'red' | 'green' | 'yellow' | 'cyan' | 'magenta';
const SGR: Record<Tone, [number, number]> = {
  bold: [1, 22],
  dim: [2, 22],
  red: [31, 39],
  green: [32, 39],
  yellow: [33, 39],
  cyan: [36, 39],
  magenta: [35, 39],
};

export function paint(text: string, tone: Tone | null, style: TableStyle): string {
  if (!style.color || tone === null || text.length === 0) return text;
  const [on, off] = SGR[tone];
  return `\u001b[${on}m${text}\u001b[${off}m`;
}

/** Icons per agent status; ⏸️ renders one column wide in most terminals, so it carries its own extra space (as in the seed). */
export const STATUS_ICON: Record<AgentStatus, string> = { active: '🟢', paused: '⏸️ ', eliminated: '💀' };
const STATUS_TONE: Record<AgentStatus, Tone> = { active: 'green', paused: 'yellow', eliminated: 'red' };

export const HEADER = `${'EVENT'.padEnd(COLUMNS.event)}${'SYMBOL/AGENT'.padEnd(COLUMNS.key)}${'VALUE'.padEnd(COLUMNS.value)}TIMESTAMP`;
export const RULE = '─'.repeat(HEADER.length);

/** The header and its rule line. */
export function headerLines(style: TableStyle): string[] {
  return [paint(HEADER, 'bold', style), paint(RULE, 'dim', style)];
}

/** `📨 Welcome: …` followed by the seed's blank line. */
export function welcomeLines(message: string, style: TableStyle): string[] {
  return [`📨 ${paint('Welcome:', 'bold', style)} ${message}`, ''];
}

/** `$45150.32`; prices under 1 keep the six decimals the market quotes them with. */
export function formatPrice(price: number): string {
  return money(price, Math.abs(price) >= 1 ? 2 : 6);
}

/** `$115000.50` */
export function formatCapital(capital: number): string {
  return money(capital, 2);
}

function money(value: number, decimals: number): string {
  return value < 0 ? `-$${(-value).toFixed(decimals)}` : `$${value.toFixed(decimals)}`;
}

/** `14:30:45.123Z` from an ISO timestamp (the seed's TIMESTAMP column). */
export function formatTime(iso: string): string {
  const t = /T(\d{2}:\d{2}:\d{2}(?:\.\d+)?Z)$/.exec(iso);
  return t ? (t[1] as string) : iso;
}

/** `62.1%` from a win rate in [0, 1]. */
export function formatRate(rate: number): string {
  return `${(rate * 100).toFixed(1)}%`;
}

interface Row {
  icon: string;
  label: string;
  labelTone: Tone | null;
  key: string;
  value: string;
  valueTone: Tone | null;
  time: string;
  note: string;
}

/** Pad to the column, keeping at least one space after text that fills it. */
function cell(text: string, width: number): string {
  return text.length >= width ? `${text} ` : text.padEnd(width);
}

function render(row: Row, style: TableStyle, dim: boolean): string {
  const iconCell = `${row.icon} `;
  const label = cell(row.label, COLUMNS.event - ICON_CELL);
  const key = cell(row.key, COLUMNS.key);
  const value = cell(row.value, COLUMNS.value);
  const note = row.note.length > 0 ? ` ${row.note}` : '';
  if (dim) return `${iconCell}${paint(`${label}${key}${value}${row.time}${note}`, 'dim', style)}`;
  // Pad before painting so escape codes never shift the columns.
  const labelText = paint(row.label, row.labelTone, style) + label.slice(row.label.length);
  const valueText = paint(row.value, row.valueTone, style) + value.slice(row.value.length);
  return `${iconCell}${labelText}${key}${valueText}${paint(row.time, 'dim', style)}${note}`;
}

export function marketRow(market: MarketData, style: TableStyle, snapshot = false): string {
  const valueTone: Tone | null = market.change_percent > 0 ? 'green' : market.change_percent < 0 ? 'red' : null;
  return render(
    {
      icon: '📈',
      label: 'MARKET',
      labelTone: 'cyan',
      key: market.symbol,
      value: formatPrice(market.price),
      valueTone,
      time: formatTime(market.timestamp),
      note: '',
    },
    style,
    snapshot,
  );
}

export function agentRow(agent: AgentData, style: TableStyle, snapshot = false): string {
  return render(
    {
      icon: STATUS_ICON[agent.status],
      label: 'AGENT',
      labelTone: STATUS_TONE[agent.status],
      key: agent.agent_id,
      value: formatCapital(agent.capital),
      valueTone: null,
      time: formatTime(agent.timestamp),
      note: `(${formatRate(agent.win_rate)})`,
    },
    style,
    snapshot,
  );
}

/** One row for the round's winner, then one per death and per birth (the lineage at work). */
export function arenaRows(arena: ArenaData, style: TableStyle, snapshot = false): string[] {
  const time = formatTime(arena.timestamp);
  const top = arena.ranking.find((r) => r.agent_id === arena.winner) ?? arena.ranking[0];
  const counts = [`${arena.ranking.length} ranked`];
  if (arena.births.length > 0) counts.push(`${arena.births.length} born`);
  if (arena.deaths.length > 0) counts.push(`${arena.deaths.length} died`);
  const rows = [
    render(
      {
        icon: '🏆',
        label: `ARENA round ${arena.round}`,
        labelTone: 'magenta',
        key: arena.winner,
        value: top ? formatCapital(top.capital) : '',
        valueTone: 'bold',
        time,
        note: `(${counts.join(', ')})`,
      },
      style,
      snapshot,
    ),
  ];
  for (const d of arena.deaths) {
    rows.push(
      render(
        {
          icon: '💀',
          label: 'DEATH',
          labelTone: 'red',
          key: d.agent_id,
          value: formatCapital(d.capital),
          valueTone: null,
          time,
          note: `(${d.reason})`,
        },
        style,
        snapshot,
      ),
    );
  }
  for (const b of arena.births) {
    rows.push(
      render(
        {
          icon: '🐣',
          label: 'BIRTH',
          labelTone: 'green',
          key: b.agent_id,
          value: `gen ${b.generation}`,
          valueTone: null,
          time,
          note: `(from ${b.parent})`,
        },
        style,
        snapshot,
      ),
    );
  }
  return rows;
}

/** The rows one stream event prints. Snapshot rows (latest state on connect) are dimmed when colour is on. */
export function eventRows(event: StreamEvent, style: TableStyle, snapshot = false): string[] {
  switch (event.event_type) {
    case 'market':
      return [marketRow(event.market, style, snapshot)];
    case 'agent':
      return [agentRow(event.agent, style, snapshot)];
    case 'arena':
      return arenaRows(event.arena, style, snapshot);
    case 'trade':
    case 'book':
    case 'candle':
      return [marketDataRow(event, style, snapshot)];
    case 'order': {
      const o = event.order;
      const price = o.fill_price ?? o.avg_price;
      const value = price === null ? '-' : formatPrice(price);
      const note = `${o.status} ${o.side} ${o.filled}/${o.size} ${o.order_id}${o.backstop ? ' backstop' : ''}`;
      const row = { icon: '🧾', label: 'ORDER', labelTone: 'cyan' as const, key: o.agent_id, value, valueTone: null };
      return [render({ ...row, time: formatTime(o.timestamp), note }, style, snapshot)];
    }
  }
}

/** One row of a trade, a book update or a candle. */
export function marketDataRow(
  event: Extract<StreamEvent, { event_type: 'trade' | 'book' | 'candle' }>,
  style: TableStyle,
  snapshot = false,
): string {
  const row = (
    icon: string,
    label: string,
    key: string,
    value: string,
    valueTone: Tone | null,
    time: string,
    note = '',
  ) => render({ icon, label, labelTone: 'cyan', key, value, valueTone, time: formatTime(time), note }, style, snapshot);
  switch (event.event_type) {
    case 'trade': {
      const t = event.trade;
      const tone = t.side === 'buy' ? 'green' : 'red';
      return row(
        '💱',
        'TRADE',
        t.symbol,
        formatPrice(t.price),
        tone,
        t.timestamp,
        `${t.side} ${t.size} #${t.trade_id}`,
      );
    }
    case 'book': {
      const b = event.book;
      if ('changes' in b)
        return row('📖', 'BOOK', b.symbol, `${b.changes.length} changes`, null, b.timestamp, `#${b.update_id}`);
      const bid = b.bids[0]?.[0];
      const ask = b.asks[0]?.[0];
      const quote = `${bid === undefined ? '-' : formatPrice(bid)} / ${ask === undefined ? '-' : formatPrice(ask)}`;
      return row('📖', 'BOOK', b.symbol, quote, null, b.timestamp, `#${b.update_id}`);
    }
    case 'candle': {
      const c = event.candle;
      const tone = c.close > c.open ? 'green' : c.close < c.open ? 'red' : null;
      const note = `${c.interval} O ${formatPrice(c.open)} H ${formatPrice(c.high)} L ${formatPrice(c.low)}${c.closed ? ' closed' : ''}`;
      return row('🕯', 'CANDLE', c.symbol, formatPrice(c.close), tone, c.start, note);
    }
  }
}

/** A status line between rows (reconnects, resumes, errors). */
export function noticeLine(text: string, tone: 'dim' | 'yellow' | 'red', style: TableStyle): string {
  return paint(text, tone, style);
}
