// Reads stream frames for one logical client (across reconnects): sequence holes and repeats, event age on arrival.
import { eventAge, eventsReceived, keySeqGaps, sequenceDuplicates, sequenceGaps, wsErrors } from './metrics.ts';

interface Payload {
  timestamp?: string;
  symbol?: string;
  agent_id?: string;
}

export interface Frame {
  event_type?: string;
  sequence?: number;
  key_seq?: number;
  snapshot?: boolean;
  conflated?: number;
  topics?: string[];
  market?: Payload;
  agent?: Payload;
  arena?: Payload;
  trade?: Payload;
  book?: Payload;
  candle?: Payload;
}

const STREAM_TYPES = ['market', 'agent', 'arena', 'trade', 'book', 'candle'];

/** The stream payload of a frame (`market`, `agent`, …, by its event type). */
function payloadOf(f: Frame, type: string): Payload | undefined {
  return (f as Record<string, unknown>)[type] as Payload | undefined;
}

export class StreamTracker {
  /** Newest sequence seen (-1 until the first welcome). */
  last = -1;
  /** The last `key_seq` per topic key. */
  private readonly keys = new Map<string, number>();
  received = 0;

  constructor(private readonly contiguous: boolean) {}

  /**
   * Handle one text frame; returns it parsed so the caller can react to control frames. Snapshots are not part of
   * the stream; the first welcome starts the window (a resumed connection's welcome does not move it).
   */
  onText(data: unknown): Frame | null {
    let f: Frame;
    try {
      f = JSON.parse(String(data)) as Frame;
    } catch {
      wsErrors.add(1, { reason: 'invalid_json' });
      return null;
    }
    const type = f.event_type ?? '';
    if (type === 'welcome') {
      if (this.last === -1 && typeof f.sequence === 'number') this.last = f.sequence;
    } else if (STREAM_TYPES.includes(type)) {
      this.keySeq(f, type);
      if (f.snapshot !== true && typeof f.sequence === 'number') this.event(f, type);
    } else if (type === 'error' || type === 'resume_failed') {
      wsErrors.add(1, { reason: type });
    }
    return f;
  }

  /** Per-key gap check: a snapshot or a conflated event sets where its key stands. */
  private keySeq(f: Frame, type: string): void {
    if (typeof f.key_seq !== 'number') return;
    const p = payloadOf(f, type);
    const key = `${type}.${p?.symbol ?? p?.agent_id ?? ''}`;
    const before = this.keys.get(key);
    if (before !== undefined && f.key_seq <= before && f.snapshot !== true) return;
    this.keys.set(key, f.key_seq);
    const judged = f.snapshot !== true && f.conflated === undefined && before !== undefined;
    if (judged && f.key_seq > before + 1) keySeqGaps.add(f.key_seq - before - 1);
  }

  private event(f: Frame, type: string): void {
    const seq = f.sequence as number;
    if (this.last !== -1 && seq <= this.last) {
      sequenceDuplicates.add(1);
      return;
    }
    if (this.contiguous && this.last !== -1 && seq > this.last + 1) sequenceGaps.add(seq - this.last - 1);
    this.last = seq;
    this.received++;
    eventsReceived.add(1);
    const body = payloadOf(f, type);
    const at = body?.timestamp === undefined ? Number.NaN : Date.parse(body.timestamp);
    if (Number.isFinite(at)) eventAge.add(Math.max(0, Date.now() - at));
  }
}
