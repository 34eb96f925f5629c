// One received frame as a protocol message, or why it is not one (never throws).
import { ServerMessage } from '../protocol/index.ts';

export type ParsedFrame = { ok: true; message: ServerMessage } | { ok: false; raw: string; reason: string };

export function parseServerFrame(data: unknown): ParsedFrame {
  if (typeof data !== 'string') return { ok: false, raw: '', reason: 'binary frame' };
  let value: unknown;
  try {
    value = JSON.parse(data);
  } catch {
    return { ok: false, raw: data, reason: 'not JSON' };
  }
  const parsed = ServerMessage.safeParse(value);
  if (parsed.success) return { ok: true, message: parsed.data };
  const issue = parsed.error.issues[0];
  return {
    ok: false,
    raw: data,
    reason: issue ? `${issue.path.join('.') || 'frame'}: ${issue.message}` : 'does not match the protocol',
  };
}
