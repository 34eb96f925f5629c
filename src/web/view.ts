// Renders the dashboard model into the page, updating existing elements in place (no framework, no innerHTML).
import type { ConnectionState } from '../client/reconnecting-client.ts';
import type { AgentData, AgentStatus } from '../protocol/index.ts';
import type { DashboardState, Tile } from './dashboard-state.ts';
import { formatClock, formatMoney, formatPercent, formatPrice, formatRate } from './format.ts';
import { sparklinePaths } from './sparkline.ts';

const SVG_NS = 'http://www.w3.org/2000/svg';
const SPARK_W = 120;
const SPARK_H = 36;
/** Rows shown; a population of thousands would otherwise cost a re-layout per update. */
export const BOARD_ROWS = 25;
/** Every agent starts with this much; the capital column is coloured against it. */
const START_CAPITAL = 100_000;

const STATUS_ICON: Record<AgentStatus, string> = { active: '🟢', paused: '⏸️', eliminated: '💀' };
const STATE_LABEL: Record<ConnectionState, string> = {
  idle: 'starting',
  connecting: 'connecting…',
  resuming: 'resuming…',
  live: 'live',
  reconnecting: 'reconnecting…',
  closed: 'closed',
};

function el<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  className?: string,
  text?: string,
): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
}

function setText(node: Element | null | undefined, text: string): void {
  if (node && node.textContent !== text) node.textContent = text;
}

function must<T extends Element>(root: ParentNode, selector: string): T {
  const found = root.querySelector<T>(selector);
  if (found === null) throw new Error(`dashboard markup lacks ${selector}`);
  return found;
}

interface TileParts {
  root: HTMLElement;
  price: HTMLElement;
  change: HTMLElement;
  tick: HTMLElement;
  line: SVGPathElement;
  area: SVGPathElement;
  dot: SVGCircleElement;
}

export class DashboardView {
  private readonly tilesRoot: HTMLElement;
  private readonly boardBody: HTMLTableSectionElement;
  private readonly agentCount: HTMLElement;
  private readonly roundsRoot: HTMLOListElement;
  private readonly connection: HTMLElement;
  private readonly meta: HTMLElement;
  private readonly notice: HTMLElement;
  private readonly footer: HTMLElement;
  private readonly tiles = new Map<string, TileParts>();
  private readonly rows = new Map<string, HTMLTableRowElement>();
  private noticeTimer: ReturnType<typeof setTimeout> | null = null;

  constructor(root: ParentNode = document) {
    this.tilesRoot = must(root, '#tiles');
    this.boardBody = must(root, '#leaderboard tbody');
    this.agentCount = must(root, '#agent-count');
    this.roundsRoot = must(root, '#rounds');
    this.connection = must(root, '#connection');
    this.meta = must(root, '#meta');
    this.notice = must(root, '#notice');
    this.footer = must(root, '#footer');
  }

  render(state: DashboardState): void {
    for (const symbol of state.dirty.tiles) {
      const tile = state.tiles.get(symbol);
      if (tile) this.renderTile(tile, state.windowChange(symbol));
    }
    state.dirty.tiles.clear();
    if (state.dirty.agents) this.renderBoard(state.leaderboard());
    state.dirty.agents = false;
    if (state.dirty.rounds) this.renderRounds(state);
    state.dirty.rounds = false;
    this.tilesRoot.dataset.empty = String(state.tiles.size === 0);
  }

  private renderTile(tile: Tile, windowChange: number): void {
    let parts = this.tiles.get(tile.symbol);
    if (parts === undefined) {
      parts = this.createTile(tile.symbol);
      this.tiles.set(tile.symbol, parts);
      this.tilesRoot.append(parts.root);
    }
    const previous = parts.price.textContent;
    setText(parts.price, formatPrice(tile.market.price));
    const up = windowChange > 0;
    const down = windowChange < 0;
    setText(parts.change, `${up ? '▲' : down ? '▼' : '■'} ${formatPercent(windowChange)}`);
    parts.change.className = `change ${up ? 'up' : down ? 'down' : 'flat'}`;
    parts.root.dataset.trend = up ? 'up' : down ? 'down' : 'flat';
    setText(parts.tick, `tick ${formatPercent(tile.market.change_percent)}`);
    parts.tick.title = `last tick at ${formatClock(tile.market.timestamp)} UTC (#${tile.sequence})`;
    const paths = sparklinePaths(
      tile.series.map((p) => p.price),
      SPARK_W,
      SPARK_H,
    );
    parts.line.setAttribute('d', paths.line);
    parts.area.setAttribute('d', paths.area);
    if (paths.end) {
      parts.dot.setAttribute('cx', String(paths.end.x));
      parts.dot.setAttribute('cy', String(paths.end.y));
    }
    parts.root.dataset.points = String(tile.series.length);
    if (previous !== '' && previous !== parts.price.textContent && tile.direction !== 0)
      flash(parts.price, tile.direction > 0 ? 'up' : 'down');
  }

  private createTile(symbol: string): TileParts {
    const root = el('article', 'tile');
    root.dataset.symbol = symbol;
    const head = el('header', 'tile-head');
    head.append(el('span', 'symbol', symbol));
    const tick = el('span', 'tick');
    head.append(tick);
    const price = el('div', 'price');
    const change = el('div', 'change flat');
    const svg = document.createElementNS(SVG_NS, 'svg');
    svg.setAttribute('class', 'spark');
    svg.setAttribute('viewBox', `0 0 ${SPARK_W} ${SPARK_H}`);
    svg.setAttribute('preserveAspectRatio', 'none');
    svg.setAttribute('role', 'img');
    svg.setAttribute('aria-label', `${symbol} price chart`);
    const area = document.createElementNS(SVG_NS, 'path');
    area.setAttribute('class', 'area');
    const line = document.createElementNS(SVG_NS, 'path');
    line.setAttribute('class', 'line');
    const dot = document.createElementNS(SVG_NS, 'circle');
    dot.setAttribute('class', 'end');
    dot.setAttribute('r', '2');
    svg.append(area, line, dot);
    root.append(head, price, change, svg);
    return { root, price, change, tick, line, area, dot };
  }

  private renderBoard(board: readonly AgentData[]): void {
    const shown = board.slice(0, BOARD_ROWS);
    const keep = new Set(shown.map((a) => a.agent_id));
    for (const [id, row] of this.rows) {
      if (!keep.has(id)) {
        row.remove();
        this.rows.delete(id);
      }
    }
    shown.forEach((agent, i) => {
      let row = this.rows.get(agent.agent_id);
      if (row === undefined) {
        row = createRow(agent.agent_id);
        this.rows.set(agent.agent_id, row);
      }
      updateRow(row, agent, i + 1);
      // Move only rows that are out of place, so unchanged rows keep their elements (and any selection).
      if (this.boardBody.children[i] !== row) this.boardBody.insertBefore(row, this.boardBody.children[i] ?? null);
    });
    setText(
      this.agentCount,
      board.length > shown.length ? `top ${shown.length} of ${board.length}` : `${board.length} agents`,
    );
    this.boardBody.parentElement?.setAttribute('data-empty', String(board.length === 0));
  }

  private renderRounds(state: DashboardState): void {
    const items = state.rounds.map((r) => {
      const li = el('li', 'round');
      li.dataset.round = String(r.round);
      li.append(el('span', 'round-no', `#${r.round}`));
      const winner = el('span', 'winner', `🏆 ${r.winner}`);
      li.append(winner);
      li.append(el('span', 'round-cap', r.capital === null ? '' : formatMoney(r.capital)));
      const life: string[] = [];
      if (r.born > 0) life.push(`+${r.born} born`);
      if (r.died > 0)
        life.push(
          `−${r.died} ${r.died === r.deaths.length && r.deaths.every((d) => d.reason === r.deaths[0]?.reason) ? r.deaths[0]?.reason : 'died'}`,
        );
      li.append(el('span', 'life', life.join(' · ') || `${r.ranked} ranked`));
      const time = el('time', 'round-time', formatClock(r.timestamp));
      time.dateTime = r.timestamp;
      li.append(time);
      const lines = [
        ...r.births.map((b) => `born ${b.agent_id} (gen ${b.generation}, from ${b.parent})`),
        ...r.deaths.map((d) => `${d.reason} ${d.agent_id} at ${formatMoney(d.capital)}`),
      ];
      if (lines.length > 0) li.title = lines.join('\n');
      return li;
    });
    this.roundsRoot.replaceChildren(...items);
    this.roundsRoot.dataset.empty = String(items.length === 0);
  }

  renderConnection(state: ConnectionState, detail = ''): void {
    this.connection.dataset.state = state;
    setText(this.connection.querySelector('.label'), detail ? `${STATE_LABEL[state]} ${detail}` : STATE_LABEL[state]);
  }

  renderMeta(epoch: string | null, sequence: number | null, version: string | null): void {
    const parts: string[] = [];
    if (version) parts.push(`v${version}`);
    if (epoch) parts.push(`epoch ${epoch}`);
    if (sequence !== null) parts.push(`#${sequence}`);
    setText(this.meta, parts.join(' · '));
  }

  renderFooter(state: DashboardState, reconnects: number): void {
    const h = state.health;
    const gapText =
      h.gaps + h.announcedGaps === 0
        ? 'no gaps'
        : `${h.gaps + h.announcedGaps} gap${h.gaps + h.announcedGaps === 1 ? '' : 's'}`;
    setText(
      this.footer.querySelector('.stats'),
      `${h.events.toLocaleString('en-US')} events · ${gapText} · ${reconnects} reconnect${reconnects === 1 ? '' : 's'}`,
    );
    this.footer.dataset.gaps = String(h.gaps);
    this.footer.dataset.outOfOrder = String(h.outOfOrder);
  }

  showNotice(text: string, tone: 'info' | 'warn', ms = 6000): void {
    this.notice.textContent = text;
    this.notice.dataset.tone = tone;
    this.notice.hidden = false;
    if (this.noticeTimer !== null) clearTimeout(this.noticeTimer);
    this.noticeTimer = setTimeout(() => (this.notice.hidden = true), ms);
  }
}

function createRow(id: string): HTMLTableRowElement {
  const row = el('tr');
  row.dataset.agent = id;
  const agent = el('td', 'agent');
  agent.append(el('span', 'id', id), el('span', 'strategy'));
  row.append(
    el('td', 'rank'),
    agent,
    el('td', 'num capital'),
    el('td', 'num opt trades'),
    el('td', 'num winrate'),
    el('td', 'status'),
    el('td', 'num opt scars'),
    el('td', 'num opt gen'),
    el('td', 'num opt wins'),
  );
  return row;
}

function updateRow(row: HTMLTableRowElement, a: AgentData, rank: number): void {
  const cells = row.cells;
  setText(cells[0], String(rank));
  const sub = [a.strategy, a.symbol].filter((x) => x !== undefined && x !== '').join(' · ');
  setText(cells[1]?.querySelector('.strategy'), sub);
  if (a.parent) cells[1]?.setAttribute('title', `child of ${a.parent}`);
  const capital = formatMoney(a.capital);
  const capitalCell = cells[2] as HTMLTableCellElement;
  const before = row.dataset.capital;
  setText(capitalCell, capital);
  capitalCell.dataset.trend = a.capital > START_CAPITAL ? 'up' : a.capital < START_CAPITAL ? 'down' : 'flat';
  if (before !== undefined && before !== String(a.capital))
    flash(capitalCell, a.capital > Number(before) ? 'up' : 'down');
  row.dataset.capital = String(a.capital);
  setText(cells[3], String(a.trades_executed));
  setText(cells[4], formatRate(a.win_rate));
  const status = cells[5] as HTMLTableCellElement;
  if (row.dataset.status !== a.status) {
    const badge = el('span', `badge ${a.status}`);
    badge.title = a.status;
    badge.append(el('span', 'icon', STATUS_ICON[a.status]), el('span', 'status-text', ` ${a.status}`));
    status.replaceChildren(badge);
    row.dataset.status = a.status;
  }
  setText(cells[6], a.scars === undefined ? '–' : String(a.scars));
  setText(cells[7], a.generation === undefined ? '–' : `g${a.generation}`);
  setText(cells[8], a.wins === undefined ? '–' : String(a.wins));
}

/** A short highlight on a changed figure (Web Animations: no reflow tricks, no timers); skipped for reduced motion. */
const reducedMotion = typeof matchMedia === 'function' && matchMedia('(prefers-reduced-motion: reduce)').matches;
function flash(node: Element, direction: 'up' | 'down'): void {
  if (reducedMotion || typeof node.animate !== 'function') return;
  const color = direction === 'up' ? 'rgba(63, 185, 80, 0.2)' : 'rgba(248, 81, 73, 0.2)';
  node.animate([{ backgroundColor: color }, { backgroundColor: 'transparent' }], { duration: 600, easing: 'ease-out' });
}
