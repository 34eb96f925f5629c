// Parser for recorded prices in `timestamp,symbol,price` CSV form (used by replay mode).

export interface PriceRow {
  /** Epoch milliseconds. */
  timestamp: number;
  symbol: string;
  price: number;
}

/** Thrown for malformed CSV; `line` is 1-based and counts the header as line 1. */
export class PriceCsvError extends Error {
  readonly line: number;
  readonly problem: string;

  constructor(line: number, problem: string) {
    super(`line ${line}: ${problem}`);
    this.name = 'PriceCsvError';
    this.line = line;
    this.problem = problem;
  }
}

const SYMBOL_RE = /^[A-Za-z0-9._/-]{1,32}$/;
const EPOCH_RE = /^\d{1,16}$/;
// ISO-8601 date-time with explicit zone (Z or offset); zone-less times would depend on the host timezone.
const ISO_RE = /^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2})$/;
const ISO_DATE_RE = /^\d{4}-\d{2}-\d{2}$/;

function parseTimestamp(raw: string, line: number): number {
  if (EPOCH_RE.test(raw)) return Number(raw);
  if (ISO_RE.test(raw) || ISO_DATE_RE.test(raw)) {
    // Date.parse is a pure function of its argument (no clock access); date-only strings are UTC by spec.
    const ms = Date.parse(raw.replace(' ', 'T'));
    if (Number.isFinite(ms)) return ms;
  }
  throw new PriceCsvError(line, `timestamp "${raw}" is neither an ISO-8601 time nor epoch milliseconds`);
}

function unquote(cell: string): string {
  const t = cell.trim();
  return t.length >= 2 && t.startsWith('"') && t.endsWith('"') ? t.slice(1, -1).trim() : t;
}

/**
 * Parse `timestamp,symbol,price` rows. A header line naming exactly those three columns (any case,
 * that order) is required. Blank lines are skipped; rows keep file order. Throws PriceCsvError.
 */
export function parsePriceCsv(text: string): PriceRow[] {
  const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/);
  const header = (lines[0] ?? '').split(',').map((c) => unquote(c).toLowerCase());
  if (header.length !== 3 || header[0] !== 'timestamp' || header[1] !== 'symbol' || header[2] !== 'price') {
    throw new PriceCsvError(1, 'header must be "timestamp,symbol,price"');
  }
  const rows: PriceRow[] = [];
  for (let i = 1; i < lines.length; i++) {
    const raw = lines[i] ?? '';
    const lineNo = i + 1;
    if (raw.trim() === '') continue;
    const cells = raw.split(',');
    if (cells.length !== 3) throw new PriceCsvError(lineNo, `expected 3 fields, found ${cells.length}`);
    const [tsCell, symCell, priceCell] = cells.map(unquote) as [string, string, string];
    const timestamp = parseTimestamp(tsCell, lineNo);
    if (!SYMBOL_RE.test(symCell)) throw new PriceCsvError(lineNo, `symbol "${symCell}" is not a valid symbol`);
    const price = priceCell === '' ? Number.NaN : Number(priceCell);
    if (!Number.isFinite(price) || price <= 0) {
      throw new PriceCsvError(lineNo, `price "${priceCell}" is not a positive number`);
    }
    rows.push({ timestamp, symbol: symCell, price });
  }
  if (rows.length === 0) throw new PriceCsvError(lines.length, 'no price rows after the header');
  return rows;
}
