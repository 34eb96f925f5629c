// One panel of the SVG chart: log-log axes, a line per server, an optional horizontal mark (a limit) and point marks.
import type { TargetName } from '../harness/targets.ts';

const COLORS: Partial<Record<TargetName, string>> = {
  lineage: '#2563eb',
  'lineage-durable': '#0891b2',
  'lineage-sim': '#7c3aed',
  bun: '#16a34a',
  node: '#dc2626',
};
export const color = (t: TargetName): string => COLORS[t] ?? '#6b7280';
/** A panel's size and margins. */
export const W = 440;
export const H = 300;
export const M = { left: 56, right: 30, top: 36, bottom: 44 };

export interface Series {
  name: TargetName;
  points: Array<[number, number]>;
  /** Drawn dashed (a second figure of the same server). */
  dashed?: boolean;
}

export interface PanelSpec {
  /** Top left corner of the panel in the chart. */
  x0: number;
  y0: number;
  title: string;
  unit: string;
  xLabel: string;
  /** Where the x grid lines and labels go; the axis spans the smallest to the largest (log scale). */
  xTicks: number[];
  xTickLabel?: (v: number) => string;
  series: Series[];
  /** A horizontal line across the panel (a limit), labelled. */
  mark?: { y: number; label: string };
  /** Points marked with a diamond (a knee), in their server's colour. */
  pins?: Array<{ name: TargetName; x: number; y: number }>;
}

export function escapeXml(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** 1, 2, 5 × 10^k steps covering [0, max]. */
export function niceTicks(max: number, count = 5): number[] {
  if (!(max > 0)) return [0, 1];
  const raw = max / count;
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((f) => f * mag).find((s) => s >= raw) ?? 10 * mag;
  const ticks: number[] = [];
  for (let v = 0; v <= max + step * 0.5 && ticks.length < 50; v += step) ticks.push(Number(v.toPrecision(12)));
  return ticks;
}

/** 1, 2, 5 × 10^k ticks spanning [min, max] for a log axis (the first below min, the last above max). */
export function logTicks(min: number, max: number): number[] {
  if (!(min > 0) || !(max >= min)) return [1, 10];
  const ticks: number[] = [];
  for (let e = Math.floor(Math.log10(min)); e <= Math.ceil(Math.log10(max)) && ticks.length < 40; e++) {
    for (const f of [1, 2, 5]) ticks.push(Number((f * 10 ** e).toPrecision(12)));
  }
  const lo = ticks.filter((t) => t <= min).pop() ?? ticks[0] ?? 1;
  const hi = ticks.find((t) => t >= max) ?? ticks[ticks.length - 1] ?? 10;
  return ticks.filter((t) => t >= lo && t <= hi);
}

function tickLabel(v: number): string {
  return v >= 1000 ? v.toLocaleString('en-US') : String(Number(v.toPrecision(3)));
}

export function panel(spec: PanelSpec): string {
  const { x0, y0, series, xTicks: xs } = spec;
  const ys = series.flatMap((s) => s.points.map((p) => p[1])).filter((v) => Number.isFinite(v) && v > 0);
  // Room above the mark, so that it never sits on the panel's edge.
  if (spec.mark !== undefined) ys.push(spec.mark.y, spec.mark.y * 1.5);
  const yTicks = logTicks(Math.min(...ys, 1), Math.max(...ys, 1));
  const yLo = Math.log10(yTicks[0] ?? 1);
  const yHi = Math.log10(yTicks[yTicks.length - 1] ?? 10);
  const lx = (v: number) => Math.log10(v);
  const xMin = lx(Math.min(...xs));
  const xMax = lx(Math.max(...xs));
  const top = y0 + M.top;
  const bottom = y0 + H - M.bottom;
  const px = (v: number) => x0 + M.left + ((lx(v) - xMin) / Math.max(1e-9, xMax - xMin)) * (W - M.left - M.right);
  const py = (v: number) => top + (1 - (Math.log10(v) - yLo) / Math.max(1e-9, yHi - yLo)) * (bottom - top);
  const xText = spec.xTickLabel ?? ((v: number) => v.toLocaleString('en-US'));
  const out: string[] = [];
  out.push(
    `<text x="${x0 + W / 2}" y="${y0 + 20}" text-anchor="middle" font-weight="600">${escapeXml(spec.title)}</text>`,
  );
  for (const t of yTicks) {
    out.push(`<line x1="${x0 + M.left}" x2="${x0 + W - M.right}" y1="${py(t)}" y2="${py(t)}" stroke="#e5e7eb"/>`);
    out.push(`<text x="${x0 + M.left - 6}" y="${py(t) + 4}" text-anchor="end" fill="#4b5563">${tickLabel(t)}</text>`);
  }
  for (const x of xs) {
    out.push(`<line x1="${px(x)}" x2="${px(x)}" y1="${top}" y2="${bottom}" stroke="#f3f4f6"/>`);
    out.push(`<text x="${px(x)}" y="${bottom + 16}" text-anchor="middle" fill="#4b5563">${xText(x)}</text>`);
  }
  out.push(
    `<text x="${x0 + M.left + (W - M.left - M.right) / 2}" y="${y0 + H - 8}" text-anchor="middle" fill="#374151">${escapeXml(spec.xLabel)}</text>`,
  );
  out.push(`<text x="${x0 + W - M.right}" y="${top - 6}" text-anchor="end" fill="#6b7280">log scale</text>`);
  const mid = top + (bottom - top) / 2;
  out.push(
    `<text x="${x0 + 14}" y="${mid}" text-anchor="middle" fill="#374151" transform="rotate(-90 ${x0 + 14} ${mid})">${escapeXml(spec.unit)}</text>`,
  );
  if (spec.mark !== undefined) {
    const y = py(spec.mark.y).toFixed(1);
    out.push(
      `<line class="mark" x1="${x0 + M.left}" x2="${x0 + W - M.right}" y1="${y}" y2="${y}" stroke="#111827" stroke-dasharray="6 3"/>`,
    );
    out.push(`<text x="${x0 + M.left + 4}" y="${Number(y) - 4}" fill="#111827">${escapeXml(spec.mark.label)}</text>`);
  }
  for (const s of series) {
    const pts = s.points.filter((p) => Number.isFinite(p[0]) && p[0] > 0 && Number.isFinite(p[1]) && p[1] > 0);
    if (pts.length === 0) continue;
    const dash = s.dashed === true ? ' stroke-dasharray="4 3"' : '';
    out.push(
      `<polyline fill="none" stroke="${color(s.name)}" stroke-width="2"${dash} points="${pts.map((p) => `${px(p[0]).toFixed(1)},${py(p[1]).toFixed(1)}`).join(' ')}"/>`,
    );
    for (const p of pts)
      out.push(`<circle cx="${px(p[0]).toFixed(1)}" cy="${py(p[1]).toFixed(1)}" r="3" fill="${color(s.name)}"/>`);
  }
  for (const pin of spec.pins ?? []) {
    if (!(pin.x > 0 && pin.y > 0)) continue;
    const [cx, cy] = [px(pin.x), py(pin.y)];
    out.push(
      `<path class="pin" d="M${cx.toFixed(1)},${(cy - 6).toFixed(1)} l6,6 l-6,6 l-6,-6 z" fill="none" stroke="${color(pin.name)}" stroke-width="2"/>`,
    );
  }
  return out.join('\n');
}
