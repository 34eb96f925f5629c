// The depth chart: cumulative bid and ask size by price, as two step areas meeting at the spread. The geometry is pure
// (depthSteps, depthGeometry); DepthChart draws it into the page's SVG.
import type { BookMirror } from '../protocol/book-mirror.ts';
import { must, setAttrs, setText, svgEl } from './dom.ts';
import { formatPrice } from './format.ts';
import { DEPTH_LEVELS } from './market-state.ts';

export const DEPTH_W = 400;
export const DEPTH_H = 160;

/** One price level with the size of it and every better level of its side. */
export interface DepthStep {
  price: number;
  size: number;
  total: number;
}

/**
 * Running totals of `[price, size]` levels, best first (bids: highest first; asks: lowest first); rounded to 8 decimals
 * so that sums of quoted sizes read as the book quotes them.
 */
export function depthSteps(levels: ReadonlyArray<readonly [number, number]>): DepthStep[] {
  let total = 0;
  return levels.map(([price, size]) => {
    total = Math.round((total + size) * 1e8) / 1e8;
    return { price, size, total };
  });
}

export interface DepthGeometry {
  bidLine: string;
  bidArea: string;
  askLine: string;
  askArea: string;
  /** The prices at the left and right edges, and the largest cumulative size (the top edge). */
  minPrice: number;
  maxPrice: number;
  maxTotal: number;
  /** Where the mid price sits. */
  midX: number;
}

const r2 = (n: number) => Math.round(n * 100) / 100;

/**
 * Scale both sides into `width × height`: prices on x, centred on the mid price so both sides get the same span;
 * cumulative size on y (0 at the bottom, the larger side's total `pad` below the top). Each side is a staircase from
 * its best level outwards, flat to the edge after its last level.
 */
export function depthGeometry(
  bids: readonly DepthStep[],
  asks: readonly DepthStep[],
  width: number,
  height: number,
  pad = 4,
): DepthGeometry {
  const bestBid = bids[0]?.price;
  const bestAsk = asks[0]?.price;
  const worstBid = bids.at(-1)?.price;
  const worstAsk = asks.at(-1)?.price;
  if (bestBid === undefined && bestAsk === undefined)
    return {
      bidLine: '',
      bidArea: '',
      askLine: '',
      askArea: '',
      minPrice: 0,
      maxPrice: 0,
      maxTotal: 0,
      midX: width / 2,
    };
  const mid =
    bestBid !== undefined && bestAsk !== undefined ? (bestBid + bestAsk) / 2 : ((bestBid ?? bestAsk) as number);
  let half = Math.max(worstBid === undefined ? 0 : mid - worstBid, worstAsk === undefined ? 0 : worstAsk - mid);
  if (!(half > 0)) half = Math.max(Math.abs(mid) * 0.001, 1e-9);
  const minPrice = mid - half;
  const maxPrice = mid + half;
  const maxTotal = Math.max(bids.at(-1)?.total ?? 0, asks.at(-1)?.total ?? 0);
  const x = (p: number) => r2(((p - minPrice) / (maxPrice - minPrice)) * width);
  const y = (t: number) => r2(maxTotal === 0 ? height : height - (t / maxTotal) * (height - pad));
  const side = (steps: readonly DepthStep[], edge: number) => {
    const first = steps[0];
    if (first === undefined) return { line: '', area: '' };
    const parts = [`M${x(first.price)} ${height}`, `L${x(first.price)} ${y(first.total)}`];
    for (let i = 1; i < steps.length; i++) {
      const s = steps[i] as DepthStep;
      const prev = steps[i - 1] as DepthStep;
      parts.push(`L${x(s.price)} ${y(prev.total)}`, `L${x(s.price)} ${y(s.total)}`);
    }
    parts.push(`L${x(edge)} ${y((steps.at(-1) as DepthStep).total)}`);
    const line = parts.join(' ');
    return { line, area: `${line} L${x(edge)} ${height} Z` };
  };
  const b = side(bids, minPrice);
  const a = side(asks, maxPrice);
  return {
    bidLine: b.line,
    bidArea: b.area,
    askLine: a.line,
    askArea: a.area,
    minPrice,
    maxPrice,
    maxTotal,
    midX: x(mid),
  };
}

/** Sizes as the book quotes them (up to 5 decimals), grouped. */
export function formatSize(size: number): string {
  return size.toLocaleString('en-US', { maximumFractionDigits: 5 });
}

export class DepthChart {
  private readonly svg: SVGSVGElement;
  private readonly bidArea = svgEl('path', 'bid-area');
  private readonly bidLine = svgEl('path', 'bid-line');
  private readonly askArea = svgEl('path', 'ask-area');
  private readonly askLine = svgEl('path', 'ask-line');
  private readonly midLine = svgEl('line', 'mid');
  private readonly summary: HTMLElement;
  private readonly low: HTMLElement;
  private readonly high: HTMLElement;
  private readonly top: HTMLElement;

  constructor(root: ParentNode) {
    this.svg = must(root, '#depth');
    this.summary = must(root, '#depth-summary');
    this.low = must(root, '#depth-axis .low');
    this.high = must(root, '#depth-axis .high');
    this.top = must(root, '#depth-axis .top');
    setAttrs(this.svg, { viewBox: `0 0 ${DEPTH_W} ${DEPTH_H}`, preserveAspectRatio: 'none' });
    setAttrs(this.midLine, { x1: DEPTH_W / 2, x2: DEPTH_W / 2, y1: 0, y2: DEPTH_H });
    this.svg.append(this.bidArea, this.askArea, this.bidLine, this.askLine, this.midLine);
  }

  render(book: BookMirror | null): void {
    const { bids, asks } = book?.known ? book.levels(DEPTH_LEVELS) : { bids: [], asks: [] };
    const b = depthSteps(bids);
    const a = depthSteps(asks);
    const g = depthGeometry(b, a, DEPTH_W, DEPTH_H);
    this.bidArea.setAttribute('d', g.bidArea);
    this.bidLine.setAttribute('d', g.bidLine);
    this.askArea.setAttribute('d', g.askArea);
    this.askLine.setAttribute('d', g.askLine);
    setAttrs(this.midLine, { x1: g.midX, x2: g.midX });
    const bestBid = b[0]?.price;
    const bestAsk = a[0]?.price;
    setAttrs(this.svg, {
      'data-symbol': book?.symbol ?? '',
      'data-state': book === null || !book.known ? 'waiting' : 'live',
      'data-update-id': book?.known ? book.updateId : '',
      'data-best-bid': bestBid ?? '',
      'data-best-ask': bestAsk ?? '',
      'data-bid-levels': b.length,
      'data-ask-levels': a.length,
      'data-bid-total': b.at(-1)?.total ?? 0,
      'data-ask-total': a.at(-1)?.total ?? 0,
      'data-mid-x': g.midX,
    });
    if (bestBid === undefined || bestAsk === undefined) {
      setText(this.summary, book?.known ? 'one side of the book is empty' : 'waiting for the book…');
    } else {
      const spread = bestAsk - bestBid;
      const bps = (spread / ((bestAsk + bestBid) / 2)) * 10_000;
      setText(
        this.summary,
        `bid ${formatPrice(bestBid)} · ask ${formatPrice(bestAsk)} · spread ${formatPrice(spread)} (${bps.toFixed(1)} bps)`,
      );
    }
    const empty = b.length + a.length === 0;
    setText(this.low, empty ? '' : formatPrice(g.minPrice));
    setText(this.high, empty ? '' : formatPrice(g.maxPrice));
    setText(this.top, empty ? '' : `Σ ${formatSize(g.maxTotal)}`);
  }
}
