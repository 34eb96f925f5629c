// Server-Sent Events subscribers: the same events as the WebSocket stream, as `id: <sequence>` / `event:` / `data:`
// frames. Bun's native pub/sub is WebSocket-only, so the hub hands each event to these streams itself: each frame is
// built once per event and written to every stream that holds one of its topics.
import type { ClosedBy, HubMetrics } from '../metrics/hub-metrics.ts';
import { markSnapshot } from '../protocol/encode.ts';
import type { ServerMessage } from '../protocol/server-messages.ts';
import { FAMILY_EVENT_TYPE } from '../protocol/topics.ts';
import type { PublishedEvent } from '../protocol/worker-messages.ts';
import { type ConflationTarget, type Conflator, conflatable, conflationInterval } from './conflation.ts';
import { runAt } from './expiry-timer.ts';
import type { EventHistory } from './history.ts';
import { resumeVerdict } from './resume-verdict.ts';
import { snapshotEvents } from './snapshot.ts';
import { eventTopics, nativeTopics, wants } from './subscriptions.ts';

/** Where an SSE stream's bytes go (Bun's direct ReadableStream controller): a Promise means "wait for drain". */
export interface SseSink {
  write(chunk: string): number | Promise<number>;
  flush(): number | Promise<number>;
  close(): void;
}

export interface SseRequest {
  topics: readonly string[];
  since: number | null;
  epoch: string | null;
  /** Conflate the state topics (market, agent) to one event per key per interval; 0 = off. */
  conflateMs: number;
  /** The JWT's `exp` (ms since the epoch): `token_expiring` a window before, and the stream ends then. */
  expiresAt?: number | null;
  /** Called once when the stream ends, whoever ends it. */
  ended?: () => void;
}

interface SseStream {
  id: number;
  sink: SseSink;
  held: Set<string>;
  /** Topics it is registered under for live delivery (family topics cover their narrow ones). */
  live: Set<string>;
  /** Bytes written while a drain is pending; past the bound the stream is ended (the client resumes). */
  backlog: number;
  draining: boolean;
  closed: boolean;
  conflateMs: number;
  target: ConflationTarget;
  expiry: (() => void) | null;
  ended: (() => void) | undefined;
}

export interface SseContext {
  readonly history: EventHistory;
  readonly metrics: HubMetrics;
  readonly sendBufferBytes: number;
  readonly conflator: Conflator;
  readonly refreshWindowMs: number;
  epoch(): string;
}

/** The SSE frame of a stream event: its sequence is the event id, so `Last-Event-ID` resumes exactly. */
export function sseEventFrame(e: PublishedEvent): string {
  return `id: ${e.sequence}\nevent: ${FAMILY_EVENT_TYPE[e.family]}\ndata: ${e.json}\n\n`;
}

/** A conflated delivery: its own sequence as the id (every loss-free event before it was written first). */
function conflatedFrame(json: string): string {
  const sequence = /"sequence":(\d+)/.exec(json)?.[1] ?? '';
  const type = /^\{"event_type":"([a-z_]+)"/.exec(json)?.[1] ?? 'message';
  return `id: ${sequence}\nevent: ${type}\ndata: ${json}\n\n`;
}

/** A control frame or a snapshot: no `id`, so the client's Last-Event-ID stays on the stream. */
function sseControlFrame(message: ServerMessage): string {
  return `event: ${message.event_type}\ndata: ${JSON.stringify(message)}\n\n`;
}

export class SseStreams {
  private readonly byTopic = new Map<string, Set<SseStream>>();
  private readonly streams = new Set<SseStream>();
  private nextId = 1;

  constructor(private readonly ctx: SseContext) {}

  get size(): number {
    return this.streams.size;
  }

  /**
   * Start a stream: welcome, then either the replay after `since` (ending with `resumed`) or `resume_failed`, then
   * the snapshot, then live events. Resolves when the stream ends.
   */
  async open(sink: SseSink, request: SseRequest, welcome: ServerMessage): Promise<void> {
    const s: SseStream = {
      id: this.nextId++,
      sink,
      held: new Set(request.topics),
      live: new Set(),
      backlog: 0,
      draining: false,
      closed: false,
      conflateMs: request.conflateMs > 0 ? conflationInterval(request.conflateMs) : 0,
      target: { buffered: () => s.backlog, send: (json) => this.write(s, conflatedFrame(json)) },
      expiry: null,
      ended: request.ended,
    };
    this.streams.add(s);
    if (request.expiresAt != null) this.expireAt(s, request.expiresAt);
    this.ctx.metrics.connectionOpened();
    // Tell EventSource to come back after a second when the stream ends.
    this.write(s, `retry: 1000\n\n`);
    this.write(s, sseControlFrame(welcome));
    const h = this.ctx.history;
    if (request.since !== null) {
      const refusal = resumeVerdict(
        { epoch: this.ctx.epoch(), head: h.sequence, oldest: h.oldest },
        request.since,
        request.epoch,
      );
      if (refusal === null) {
        const caughtUp = await this.replay(s, request.since);
        if (caughtUp) return;
      } else {
        this.ctx.metrics.resumeRequested(refusal, 0);
        this.write(
          s,
          sseControlFrame({
            event_type: 'resume_failed',
            since: request.since,
            reason: refusal,
            oldest_sequence: h.oldest,
            sequence: h.sequence,
          }),
        );
      }
    }
    if (s.closed) return;
    this.goLive(s);
    for (const e of snapshotEvents(h, s.held))
      this.write(s, `event: ${FAMILY_EVENT_TYPE[e.family]}\ndata: ${markSnapshot(e.json)}\n\n`);
    void s.sink.flush();
  }

  /** Hand one event to every stream holding one of its topics (each stream gets it once). */
  deliver(event: PublishedEvent): number {
    let frame: string | null = null;
    let delivered = 0;
    for (const topic of eventTopics(event.family, event.key)) {
      const set = this.byTopic.get(topic);
      if (set === undefined) continue;
      frame ??= sseEventFrame(event);
      for (const s of set) {
        this.write(s, frame);
        delivered++;
      }
    }
    return delivered;
  }

  /** A comment line on every stream: keeps proxies from timing out an idle stream. */
  heartbeat(): void {
    for (const s of this.streams) this.write(s, ': ping\n\n');
  }

  /** Shutdown: an `event: shutdown` frame, then the end of every stream. */
  shutdown(retryAfterMs: number): void {
    for (const s of this.streams) {
      this.write(s, sseControlFrame({ event_type: 'shutdown', retry_after_ms: retryAfterMs }));
      this.end(s, 'shutdown');
    }
  }

  /** The client went away (the request was aborted). */
  gone(sink: SseSink): void {
    for (const s of this.streams) if (s.sink === sink) this.end(s, 'client');
  }

  /** A stream opened with a JWT ends at its `exp` (SSE has no `refresh`: the client reconnects with a new token). */
  private expireAt(s: SseStream, expiresAt: number): void {
    const exp = Math.floor(expiresAt / 1000);
    const warn = runAt(expiresAt - this.ctx.refreshWindowMs, () =>
      this.write(s, sseControlFrame({ event_type: 'token_expiring', exp })),
    );
    const end = runAt(expiresAt, () => this.end(s, 'token_expired'));
    s.expiry = () => {
      warn();
      end();
    };
  }

  /** Replay after `since`, paced by the sink; true when the stream went live (or ended) inside. */
  private async replay(s: SseStream, since: number): Promise<boolean> {
    const h = this.ctx.history;
    let cursor = since;
    let replayed = 0;
    for (;;) {
      if (s.closed) return true;
      if (!h.covers(cursor)) {
        this.ctx.metrics.resumeRequested('fell_behind', 0);
        this.write(
          s,
          sseControlFrame({
            event_type: 'resume_failed',
            since,
            reason: 'fell_behind',
            oldest_sequence: h.oldest,
            sequence: h.sequence,
          }),
        );
        return false;
      }
      let wait: Promise<number> | null = null;
      for (let i = h.indexAfter(cursor); i < h.length && wait === null; i++) {
        const e = h.at(i) as PublishedEvent;
        cursor = e.sequence;
        if (!wants(s.held, e.family, e.key)) continue;
        replayed++;
        const r = s.sink.write(sseEventFrame(e));
        if (typeof r !== 'number') wait = r;
      }
      if (wait === null) break;
      await wait;
    }
    // Caught up with the head, synchronously: nothing was published between the last replayed event and going live.
    this.goLive(s);
    this.ctx.metrics.resumeRequested('resumed', replayed);
    this.write(s, sseControlFrame({ event_type: 'resumed', since, sequence: h.sequence, replayed }));
    void s.sink.flush();
    return true;
  }

  private goLive(s: SseStream): void {
    const conflated = new Map<string, number>();
    for (const topic of nativeTopics(s.held)) {
      if (s.conflateMs > 0 && conflatable(topic)) {
        conflated.set(topic, s.conflateMs);
        continue;
      }
      let set = this.byTopic.get(topic);
      if (set === undefined) {
        set = new Set();
        this.byTopic.set(topic, set);
      }
      set.add(s);
      s.live.add(topic);
    }
    if (conflated.size > 0) this.ctx.conflator.apply(s.target, conflated);
  }

  private write(s: SseStream, chunk: string): void {
    if (s.closed) return;
    let r: number | Promise<number>;
    try {
      r = s.sink.write(chunk);
    } catch {
      this.end(s, 'client');
      return;
    }
    if (typeof r === 'number' && !s.draining) return;
    s.backlog += chunk.length;
    if (s.backlog > this.ctx.sendBufferBytes) {
      // The same policy as a WebSocket's 1013: end the stream; EventSource reconnects with Last-Event-ID and resumes.
      this.ctx.metrics.slowConsumerClosed();
      this.end(s, 'slow_consumer');
      return;
    }
    if (typeof r !== 'number' && !s.draining) {
      s.draining = true;
      r.then(
        () => {
          s.draining = false;
          s.backlog = 0;
        },
        () => this.end(s, 'client'),
      );
    }
  }

  private end(s: SseStream, by: ClosedBy): void {
    if (s.closed) return;
    s.closed = true;
    for (const topic of s.live) {
      const set = this.byTopic.get(topic);
      set?.delete(s);
      if (set?.size === 0) this.byTopic.delete(topic);
    }
    s.live.clear();
    s.expiry?.();
    this.ctx.conflator.drop(s.target);
    this.streams.delete(s);
    this.ctx.metrics.connectionClosed(by);
    try {
      s.sink.close();
    } catch {
      // Already closed by the client.
    }
    s.ended?.();
  }
}
