// The custom metrics the scripts report (created in the init context, shared by every script).
import { Counter, Trend } from 'k6/metrics';

/** Arrival time − the event's `timestamp` (ms); server and k6 must share a clock (same machine or NTP). */
export const eventAge = new Trend('event_age', true);
export const eventsReceived = new Counter('events_received');
/** Sequences that never arrived on a connection that is owed a contiguous stream. */
export const sequenceGaps = new Counter('sequence_gaps');
/** Events of a held key that never arrived, by `key_seq` (consecutive per key: valid whatever topics are held). */
export const keySeqGaps = new Counter('key_seq_gaps');
/** Sequences that arrived twice, or out of order. */
export const sequenceDuplicates = new Counter('sequence_duplicates');
/** Connection errors, unexpected closes, `error` and `resume_failed` frames. */
export const wsErrors = new Counter('ws_errors');
/** subscribe/unsubscribe → acknowledgement. */
export const subscribeAck = new Trend('subscribe_ack', true);
/** Reconnect with `since` → `resumed`. */
export const resumeTime = new Trend('resume_time', true);
export const eventsReplayed = new Counter('events_replayed');
