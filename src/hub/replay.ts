// Replaying history to a resuming socket: which events it still needs, in order, paced by its send buffer. Pure.
import type { PublishedEvent } from '../protocol/worker-messages.ts';
import type { EventHistory } from './history.ts';
import type { CatchUp } from './session.ts';
import { eventTopics, wants } from './subscriptions.ts';

/** `done`: caught up · `paused`: buffer full, continue on drain · `dropped`: a frame was dropped · `fell_behind`: history moved past the cursor. */
export type ReplayStatus = 'done' | 'paused' | 'dropped' | 'fell_behind';

/**
 * Send every event after `c.cursor` that the socket holds and has not received live, advancing the cursor.
 * `send` returns Bun's send status (bytes, -1 backpressure, 0 dropped). Bun answers -1 as soon as anything stays
 * buffered, so that status alone says when to wait for drain (no buffer reading per frame).
 */
export function replay(
  history: EventHistory,
  c: CatchUp,
  held: ReadonlySet<string>,
  send: (json: string) => number,
  /** Takes the events of conflated topics instead of sending them (they are delivered as the latest per key). */
  divert: (e: PublishedEvent) => boolean = () => false,
): ReplayStatus {
  if (!history.covers(c.cursor)) return 'fell_behind';
  for (let i = history.indexAfter(c.cursor); i < history.length; i++) {
    const e = history.at(i) as PublishedEvent;
    c.cursor = e.sequence;
    if (!wants(held, e.family, e.key)) continue;
    if (e.sequence <= c.until && deliveredLive(c.liveSince, e)) continue;
    if (divert(e)) continue;
    const status = send(e.json);
    c.replayed++;
    if (status === 0) return 'dropped';
    if (status === -1) return 'paused';
  }
  return 'done';
}

/** Was this event already delivered live under the native topics held when the resume began? */
function deliveredLive(liveSince: ReadonlyMap<string, number>, e: PublishedEvent): boolean {
  for (const topic of eventTopics(e.family, e.key)) {
    const since = liveSince.get(topic);
    if (since !== undefined && e.sequence > since) return true;
  }
  return false;
}
