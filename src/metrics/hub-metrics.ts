// The domain-verb interface the WebSocket hub reports through; the OpenTelemetry recorder implements it.

import type { ErrorCode } from '../protocol/codes.ts';

/** Label values, each set defined once; the types derive from them and the recorder pre-creates every series. */
export const REJECTED_UPGRADE_REASONS = [
  'max_connections',
  'unauthorized',
  'token_expired',
  'ip_rate_limited',
  'ip_connection_limit',
  'forbidden_origin',
  'shutting_down',
  'not_ready',
] as const;
export type RejectedUpgradeReason = (typeof REJECTED_UPGRADE_REASONS)[number];
export const REJECTED_FRAME_REASONS = [
  'invalid_json',
  'invalid_message',
  'unknown_op',
  'binary',
  'unknown_topic',
  'too_many_topics',
  'invalid_since',
  'forbidden_topic',
  'unauthorized',
  'token_expired',
  'rate_limited',
  'too_big',
] as const;
export type RejectedFrameReason = (typeof REJECTED_FRAME_REASONS)[number];
export const RESUME_OUTCOMES = ['resumed', 'too_old', 'ahead', 'epoch_mismatch', 'fell_behind'] as const;
export type ResumeOutcome = (typeof RESUME_OUTCOMES)[number];
export const CLOSED_BY = ['client', 'slow_consumer', 'policy', 'shutdown', 'error', 'token_expired'] as const;
export type ClosedBy = (typeof CLOSED_BY)[number];

/** The metric label of a frame answered with `code` (binary frames are labelled `binary`). */
export function frameReasonOf(code: Exclude<ErrorCode, 'internal_error'>): RejectedFrameReason {
  return code === 'binary_not_supported' ? 'binary' : code;
}

export interface HubMetrics {
  connectionOpened(): void;
  connectionClosed(by: ClosedBy): void;
  /** One event handed to `deliveries` subscribers, `fanoutMs` after it was created. */
  eventPublished(family: string, deliveries: number, fanoutMs: number): void;
  slowConsumerClosed(): void;
  frameRejected(reason: RejectedFrameReason): void;
  upgradeRejected(reason: RejectedUpgradeReason): void;
  resumeRequested(outcome: ResumeOutcome, replayed: number): void;
}

/** For tests and tools that do not export metrics. */
export const noopHubMetrics: HubMetrics = {
  connectionOpened() {},
  connectionClosed() {},
  eventPublished() {},
  slowConsumerClosed() {},
  frameRejected() {},
  upgradeRejected() {},
  resumeRequested() {},
};
