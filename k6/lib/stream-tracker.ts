// Reads stream frames for one logical client (across reconnects): sequence holes and repeats, event age on arrival.
import { eventAge, eventsReceived, sequenceDuplicates, sequenceGaps, wsErrors } from './metrics.ts';

export interface Frame {
  event_type?: string;
  sequence?: number;
  snapshot?: boolean;
  topics?: string[];
  market?: { timestamp?: string };
  agent?: { timestamp?: string };
  arena?: { timestamp?: string };
}

const STREAM_TYPES = ['market', 'agent', 'arena'];

export class StreamTracker {
  /** Newest sequence seen (-1 until the first welcome). */
  last = -1;
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
      if (f.snapshot !== true && typeof f.sequence === 'number') this.event(f, type);
    } else if (type === 'error' || type === 'resume_failed') {
      wsErrors.add(1, { reason: type });
    }
    return f;
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
    const body = type === 'market' ? f.market : type === 'agent' ? f.agent : f.arena;
    const at = body?.timestamp === undefined ? Number.NaN : Date.parse(body.timestamp);
    if (Number.isFinite(at)) eventAge.add(Math.max(0, Date.now() - at));
  }
}
