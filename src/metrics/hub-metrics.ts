// The domain-verb interface the WebSocket hub reports through; the OpenTelemetry recorder implements it.

export type RejectedUpgradeReason = 'max_connections' | 'unauthorized' | 'forbidden_origin' | 'shutting_down' | 'not_ready';
export type RejectedFrameReason = 'invalid_json' | 'invalid_message' | 'unknown_op' | 'binary' | 'unknown_topic' | 'too_many_topics' | 'invalid_since' | 'rate_limited' | 'too_big';
export type ResumeOutcome = 'resumed' | 'too_old' | 'ahead' | 'epoch_mismatch' | 'fell_behind';
export type ClosedBy = 'client' | 'slow_consumer' | 'policy' | 'shutdown' | 'error';

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
