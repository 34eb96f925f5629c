// The candle chart: one OHLC candle per interval, the forming one redrawn in place. The geometry is pure
// (candleGeometry); CandleChart draws it into the page's SVG, one group per candle.
import type { CandleData } from '../protocol/index.ts';
import { must, setAttrs, setText, svgEl } from './dom.ts';
import { formatPrice } from './format.ts';
import { MAX_CANDLES } from './market-state.ts';

export const CANDLE_W = 480;
export const CANDLE_H = 160;

type Ohlc = Pick<CandleData, 'open' | 'high' | 'low' | 'close'>;

/** Where one candle is drawn: its body (open to close) and its wick (low to high). */
export interface CandleShape {
  /** Left edge of the body, its width, and the wick's x (the body's centre). */
  x: number;
  width: number;
  cx: number;
  bodyTop: number;
  bodyHeight: number;
  wickTop: number;
  wickBottom: number;
  /** Closed at or above its open. */
  up: boolean;
}

export interface CandleGeometry {
  shapes: CandleShape[];
  /** The prices at the bottom and top edges (inside `pad`). */
  low: number;
  high: number;
}

const r2 = (n: number) => Math.round(n * 100) / 100;

/**
 * Scale `candles` (oldest first) into `width × height`. Each takes one of `slots` equal slots, newest at the right edge,
 * so a short history does not stretch; prices span the lowest low to the highest high, `pad` inside the edges. A flat
 * range is drawn through the middle; a body is at least 1 unit tall so a doji still shows.
 */
export function candleGeometry(
  candles: readonly Ohlc[],
  width: number,
  height: number,
  slots = MAX_CANDLES,
  pad = 4,
): CandleGeometry {
  const shown = candles.slice(-slots);
  if (shown.length === 0) return { shapes: [], low: 0, high: 0 };
  let low = Infinity;
  let high = -Infinity;
  for (const c of shown) {
    if (c.low < low) low = c.low;
    if (c.high > high) high = c.high;
  }
  const span = high - low;
  const usable = Math.max(0, height - 2 * pad);
  const y = (p: number) => (span === 0 ? height / 2 : pad + ((high - p) / span) * usable);
  const slot = width / slots;
  const bodyWidth = slot * 0.7;
  const first = slots - shown.length;
  const shapes = shown.map((c, i) => {
    const left = (first + i) * slot;
    const top = y(Math.max(c.open, c.close));
    const bottom = y(Math.min(c.open, c.close));
    return {
      x: r2(left + (slot - bodyWidth) / 2),
      width: r2(bodyWidth),
      cx: r2(left + slot / 2),
      bodyTop: r2(top),
      bodyHeight: r2(Math.max(1, bottom - top)),
      wickTop: r2(y(c.high)),
      wickBottom: r2(y(c.low)),
      up: c.close >= c.open,
    };
  });
  return { shapes, low, high };
}

export class CandleChart {
  private readonly svg: SVGSVGElement;
  private readonly groups: SVGGElement[] = [];
  private readonly high: HTMLElement;
  private readonly low: HTMLElement;
  private readonly last: HTMLElement;
  private readonly interval: HTMLElement;

  constructor(root: ParentNode) {
    this.svg = must(root, '#candles');
    this.high = must(root, '#candle-axis .high');
    this.low = must(root, '#candle-axis .low');
    this.last = must(root, '#candle-axis .last');
    this.interval = must(root, '#candle-interval');
    setAttrs(this.svg, { viewBox: `0 0 ${CANDLE_W} ${CANDLE_H}`, preserveAspectRatio: 'none' });
  }

  render(symbol: string | null, candles: readonly CandleData[]): void {
    const g = candleGeometry(candles, CANDLE_W, CANDLE_H);
    const shown = candles.slice(-g.shapes.length);
    while (this.groups.length > g.shapes.length) this.groups.pop()?.remove();
    g.shapes.forEach((shape, i) => {
      const c = shown[i] as CandleData;
      let group = this.groups[i];
      if (group === undefined) {
        group = svgEl('g');
        group.append(svgEl('line', 'wick'), svgEl('rect', 'body'));
        this.groups.push(group);
        this.svg.append(group);
      }
      setAttrs(group, {
        class: `candle ${shape.up ? 'up' : 'down'}${c.closed ? '' : ' forming'}`,
        'data-start': c.start,
        'data-open': c.open,
        'data-high': c.high,
        'data-low': c.low,
        'data-close': c.close,
        'data-volume': c.volume,
        'data-closed': String(c.closed),
      });
      setAttrs(group.firstElementChild as SVGLineElement, {
        x1: shape.cx,
        x2: shape.cx,
        y1: shape.wickTop,
        y2: shape.wickBottom,
      });
      setAttrs(group.lastElementChild as SVGRectElement, {
        x: shape.x,
        y: shape.bodyTop,
        width: shape.width,
        height: shape.bodyHeight,
      });
    });
    setAttrs(this.svg, { 'data-symbol': symbol ?? '', 'data-count': g.shapes.length });
    const newest = candles.at(-1);
    setText(this.high, newest ? formatPrice(g.high) : '');
    setText(this.low, newest ? formatPrice(g.low) : '');
    setText(
      this.last,
      newest ? `close ${formatPrice(newest.close)}${newest.closed ? '' : ' (forming)'}` : 'waiting for candles…',
    );
    setText(this.interval, newest ? newest.interval : '');
  }
}
