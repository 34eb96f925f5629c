// The trades tape: the chosen symbol's latest trades, newest first, each row reused in place.
import type { TradeData } from '../protocol/index.ts';
import { formatSize } from './depth-chart.ts';
import { el, must, setText } from './dom.ts';
import { formatPrice } from './format.ts';

/** `14:30:45.123` in UTC: trades come many to a second. */
export function formatTradeTime(iso: string): string {
  const t = /T(\d{2}:\d{2}:\d{2}\.\d{3})/.exec(iso);
  return t ? (t[1] as string) : iso;
}

export class TradesTape {
  private readonly body: HTMLTableSectionElement;
  private readonly table: HTMLTableElement;
  private readonly rows: HTMLTableRowElement[] = [];

  constructor(root: ParentNode) {
    this.table = must(root, '#tape');
    this.body = must(root, '#tape tbody');
  }

  /** `trades` oldest first (as the model keeps them); drawn newest first. */
  render(symbol: string | null, trades: readonly TradeData[]): void {
    const n = trades.length;
    while (this.rows.length > n) this.rows.pop()?.remove();
    while (this.rows.length < n) {
      const row = el('tr');
      row.append(el('td', 'time'), el('td', 'side'), el('td', 'num tape-price'), el('td', 'num tape-size'));
      this.rows.push(row);
      this.body.append(row);
    }
    for (let i = 0; i < n; i++) {
      const t = trades[n - 1 - i] as TradeData;
      const row = this.rows[i] as HTMLTableRowElement;
      const id = String(t.trade_id);
      if (row.dataset.tradeId === id) continue;
      row.dataset.tradeId = id;
      row.dataset.symbol = t.symbol;
      row.dataset.side = t.side;
      row.title = `#${t.trade_id} · ${t.buyer} bought from ${t.seller}`;
      const cells = row.cells;
      setText(cells[0], formatTradeTime(t.timestamp));
      setText(cells[1], t.side);
      setText(cells[2], formatPrice(t.price));
      setText(cells[3], formatSize(t.size));
    }
    this.table.dataset.symbol = symbol ?? '';
    this.table.dataset.empty = String(n === 0);
  }
}
