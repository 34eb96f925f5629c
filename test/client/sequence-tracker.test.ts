// The resume position: snapshots ignored, duplicates dropped, epochs adopted only once a resume is answered.
import { describe, expect, test } from 'bun:test';
import { SequenceTracker } from '../../src/client/sequence-tracker.ts';
import type { ResumeFailedMessage, WelcomeMessage } from '../../src/protocol/index.ts';

const welcome = (epoch: string, sequence: number): WelcomeMessage => ({
  event_type: 'welcome',
  message: 'Connected to Lineage WebSocket broadcast server',
  version: 't',
  epoch,
  sequence,
  oldest_sequence: 0,
  topics: [],
  subscriptions: [],
});
const failed = (
  since: number,
  sequence: number,
  reason: ResumeFailedMessage['reason'] = 'epoch_mismatch',
): ResumeFailedMessage => ({
  event_type: 'resume_failed',
  since,
  reason,
  oldest_sequence: 0,
  sequence,
});

describe('SequenceTracker', () => {
  test('knows nothing before the first welcome; a fresh welcome starts at its head', () => {
    const t = new SequenceTracker();
    expect(t.resumePoint()).toBeNull();
    t.welcome(welcome('e1', 40), false);
    expect(t.resumePoint()).toEqual({ since: 40, epoch: 'e1' });
    expect(t.pending).toBe(false);
  });

  test('snapshots never move the position; stream events do; old ones are duplicates', () => {
    const t = new SequenceTracker();
    t.welcome(welcome('e1', 40), false);
    expect(t.accept(38, true)).toBe('snapshot');
    expect(t.accept(40, true)).toBe('snapshot');
    expect(t.last).toBe(40);
    expect(t.accept(41, false)).toBe('deliver');
    expect(t.accept(45, false)).toBe('deliver');
    expect(t.accept(45, false)).toBe('duplicate');
    expect(t.accept(43, false)).toBe('duplicate');
    expect(t.last).toBe(45);
  });

  test('a successful resume keeps the position and the epoch', () => {
    const t = new SequenceTracker();
    t.welcome(welcome('e1', 10), false);
    t.accept(12, false);
    t.welcome(welcome('e1', 30), true);
    expect(t.pending).toBe(true);
    expect(t.accept(11, false)).toBe('duplicate');
    expect(t.accept(13, false)).toBe('deliver');
    t.resumed();
    expect(t.pending).toBe(false);
    expect(t.resumePoint()).toEqual({ since: 13, epoch: 'e1' });
  });

  test('a new epoch is not adopted until the resume is answered, so a dropped connection retries the old point', () => {
    const t = new SequenceTracker();
    t.welcome(welcome('old', 100), false);
    t.accept(101, false);
    // The server restarted with a new sequence space; the connection drops before resume_failed arrives.
    t.welcome(welcome('new', 5), true);
    expect(t.resumePoint()).toEqual({ since: 101, epoch: 'old' });
    // Next connection: the refusal arrives; the position moves to the new head in the new epoch.
    t.welcome(welcome('new', 7), true);
    t.resumeFailed(failed(101, 7));
    expect(t.resumePoint()).toEqual({ since: 7, epoch: 'new' });
    expect(t.accept(8, false)).toBe('deliver');
  });

  test('a refused resume in the same epoch (too old) jumps to the head the server reports', () => {
    const t = new SequenceTracker({ since: 3, epoch: 'e1' });
    t.welcome(welcome('e1', 900), true);
    t.resumeFailed(failed(3, 900, 'too_old'));
    expect(t.last).toBe(900);
    expect(t.accept(900, false)).toBe('duplicate');
    expect(t.accept(901, false)).toBe('deliver');
  });

  test('starting from a given point resumes from it', () => {
    const t = new SequenceTracker({ since: 0, epoch: null });
    expect(t.resumePoint()).toEqual({ since: 0, epoch: null });
    expect(t.accept(1, false)).toBe('deliver');
  });
});
