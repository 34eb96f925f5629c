// What a session writes: control frames typed by the protocol, error replies (each request with errors spending one
// bad-frame token), and live delivery (native topics for the loss-free, the conflator for the conflated topics).
import type { ClosedBy } from '../metrics/hub-metrics.ts';
import { frameReasonOf } from '../metrics/hub-metrics.ts';
import type { RequestId } from '../protocol/client-messages.ts';
import { CloseCode, CloseReason, type ErrorCode } from '../protocol/codes.ts';
import type { ServerMessage } from '../protocol/server-messages.ts';
import type { SessionContext, Socket } from './session-state.ts';
import { nativeTopics } from './subscriptions.ts';
import type { TopicError } from './topic-admission.ts';

export class SessionOutput {
  constructor(
    private readonly ctx: SessionContext,
    /** The session machine's own transition to closing. */
    private readonly close: (ws: Socket, code: number, reason: string, by: ClosedBy) => void,
  ) {}

  /** Every control frame goes through here, typed by the protocol's schemas. */
  send(ws: Socket, message: ServerMessage): void {
    if (ws.data.state !== 'closing') ws.send(JSON.stringify(message), this.ctx.compress);
  }

  /** A request's topic errors; a request with errors counts as one bad frame against the connection's budget. */
  topicErrors(ws: Socket, errors: readonly TopicError[], id?: RequestId): void {
    if (errors.length === 0) return;
    for (const e of errors) {
      this.ctx.metrics.frameRejected(e.code);
      this.send(ws, { event_type: 'error', id, ...e });
    }
    this.spendBadFrame(ws);
  }

  reject(ws: Socket, code: Exclude<ErrorCode, 'internal_error'>, message: string, id?: RequestId): void {
    this.ctx.metrics.frameRejected(frameReasonOf(code));
    this.send(ws, { event_type: 'error', id, code, message });
    this.spendBadFrame(ws);
  }

  /** Live delivery for what is held: native topics for the loss-free ones, the conflator for the conflated ones. */
  deliver(ws: Socket): void {
    const s = ws.data;
    const native = nativeTopics(s.held);
    const conflated = new Map<string, number>();
    if (s.conflate.size > 0) {
      for (const t of native) {
        const ms = s.conflate.get(t);
        if (ms === undefined) continue;
        conflated.set(t, ms);
        native.delete(t);
      }
    }
    this.ctx.native.apply(ws, this.ctx.history.sequence, native);
    if (s.target !== null) this.ctx.conflator.apply(s.target, conflated);
  }

  private spendBadFrame(ws: Socket): void {
    if (!ws.data.badFrames.take(this.ctx.now()))
      this.close(ws, CloseCode.PolicyViolation, CloseReason.tooManyBadFrames, 'policy');
  }
}
