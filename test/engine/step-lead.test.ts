// How far ahead the worker computes a step: twice the longest recent work, none for cheap steps, never past the cap.
import { describe, expect, test } from 'bun:test';
import { LEAD_WINDOW, MAX_LEAD_MS, MIN_WORK_MS, StepLead } from '../../src/engine/step-lead.ts';

describe('StepLead', () => {
  test('no lead before any work, nor for steps cheaper than the threshold', () => {
    const lead = new StepLead();
    expect(lead.ms()).toBe(0);
    for (let i = 0; i < LEAD_WINDOW; i++) lead.record(MIN_WORK_MS * 0.9);
    expect(lead.ms()).toBe(0);
  });

  test('twice the longest of the recent steps, capped', () => {
    const lead = new StepLead();
    lead.record(2);
    lead.record(5);
    lead.record(1);
    expect(lead.ms()).toBe(10);
    lead.record(MAX_LEAD_MS);
    expect(lead.ms()).toBe(MAX_LEAD_MS);
  });

  test('a long step is forgotten once the window has moved past it', () => {
    const lead = new StepLead();
    lead.record(8);
    for (let i = 0; i < LEAD_WINDOW - 1; i++) lead.record(1);
    expect(lead.ms()).toBe(16);
    lead.record(1);
    expect(lead.ms()).toBe(2);
  });
});
