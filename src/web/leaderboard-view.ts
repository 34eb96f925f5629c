// The leaderboard table: the richest agents, each row updated in place and moved only when its rank changes.
import type { AgentData, AgentStatus } from '../protocol/index.ts';
import { el, flash, setText } from './dom.ts';
import { formatMoney, formatRate } from './format.ts';

/** Rows shown; a population of thousands would otherwise cost a re-layout per update. */
export const BOARD_ROWS = 25;
/** Every agent starts with this much; the capital column is coloured against it. */
const START_CAPITAL = 100_000;

const STATUS_ICON: Record<AgentStatus, string> = { active: '🟢', paused: '⏸️', eliminated: '💀' };

/** `+0.135` / `−0.774` / `0.000`: skill (mean round fitness, shrunk for young agents), with a true minus sign. */
export function formatSkill(skill: number): string {
  const fixed = Math.abs(skill).toFixed(3);
  if (Number(fixed) === 0) return (0).toFixed(3);
  return `${skill > 0 ? '+' : '−'}${fixed}`;
}

export class LeaderboardView {
  private readonly rows = new Map<string, HTMLTableRowElement>();

  constructor(
    private readonly body: HTMLTableSectionElement,
    private readonly count: HTMLElement,
  ) {}

  /** `board` richest first; `skills` from the REST population (absent ones show a dash). */
  render(board: readonly AgentData[], skills: ReadonlyMap<string, number>): void {
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
      updateRow(row, agent, i + 1, skills.get(agent.agent_id));
      // Move only rows that are out of place, so unchanged rows keep their elements (and any selection).
      if (this.body.children[i] !== row) this.body.insertBefore(row, this.body.children[i] ?? null);
    });
    setText(
      this.count,
      board.length > shown.length ? `top ${shown.length} of ${board.length}` : `${board.length} agents`,
    );
    this.body.parentElement?.setAttribute('data-empty', String(board.length === 0));
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
    el('td', 'num opt skill'),
  );
  return row;
}

function updateRow(row: HTMLTableRowElement, a: AgentData, rank: number, skill: number | undefined): void {
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
  const skillCell = cells[9] as HTMLTableCellElement;
  setText(skillCell, skill === undefined ? '–' : formatSkill(skill));
  if (skill === undefined) delete skillCell.dataset.skill;
  else skillCell.dataset.skill = String(skill);
  skillCell.dataset.trend = skill === undefined || skill === 0 ? 'flat' : skill > 0 ? 'up' : 'down';
}
