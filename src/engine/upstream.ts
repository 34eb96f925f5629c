// Where a node's events come from: its own simulation worker, or (on a gateway) the Redis stream.
import type { Ask, RoundsSource } from '../http/api-routes.ts';

export interface Upstream {
  epoch: string;
  /** The seed of the story this node tells (absent on gateways). */
  seed?: number;
  /** What to print at startup after the URLs. */
  describe: string;
  /** Read-only questions for the REST API (absent on gateways). */
  ask?: Ask;
  /** On a gateway: recent arena rounds, newest first, from Redis. */
  rounds?: RoundsSource;
  /** Ready to serve? With the reason when not. */
  health(): { ok: boolean; reason?: string };
  /** Resolves with a message if the node cannot go on (its single writer died). */
  failed: Promise<string>;
  stop(timeoutMs: number): Promise<void>;
}
