// Renders the dashboard model into the page, updating existing elements in place (no framework, no innerHTML).
import type { ConnectionState } from '../client/reconnecting-client.ts';
import type { DashboardState, Tile } from './dashboard-state.ts';
import { el, flash, must, SVG_NS, setText } from './dom.ts';
import { formatClock, formatMoney, formatPercent, formatPrice } from './format.ts';
import { LeaderboardView } from './leaderboard-view.ts';
import { sparklinePaths } from './sparkline.ts';

const SPARK_W = 120;
const SPARK_H = 36;
const STATE_LABEL: Record<ConnectionState, string> = {
  idle: 'starting',
  connecting: 'connecting…',
  resuming: 'resuming…',
  live: 'live',
  reconnecting: 'reconnecting…',
  closed: 'closed',
};

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
  private readonly board: LeaderboardView;
  private readonly roundsRoot: HTMLOListElement;
  private readonly connection: HTMLElement;
  private readonly meta: HTMLElement;
  private readonly notice: HTMLElement;
  private readonly footer: HTMLElement;
  private readonly tiles = new Map<string, TileParts>();
  private noticeTimer: ReturnType<typeof setTimeout> | null = null;

  constructor(root: ParentNode = document) {
    this.tilesRoot = must(root, '#tiles');
    this.board = new LeaderboardView(must(root, '#leaderboard tbody'), must(root, '#agent-count'));
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
    if (state.dirty.agents) this.board.render(state.leaderboard(), state.skills);
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
    const gaps = h.gaps + h.announcedGaps;
    const gapText = gaps === 0 ? 'no gaps' : `${gaps} gap${gaps === 1 ? '' : 's'}`;
    const stats = this.footer.querySelector<HTMLElement>('.stats');
    setText(
      stats,
      `${h.events.toLocaleString('en-US')} events · ${gapText} · ${reconnects} reconnect${reconnects === 1 ? '' : 's'}`,
    );
    const last = h.lastGap;
    if (stats)
      stats.title = last
        ? `last gap: ${last.key} skipped key_seq ${last.expected}${last.got - 1 > last.expected ? `–${last.got - 1}` : ''}`
        : 'every key of every held topic arrived with consecutive key_seq';
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
