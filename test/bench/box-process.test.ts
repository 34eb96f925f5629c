// The box bench's address plan (one loopback address per load process, a port budget checked before anything starts)
// and how it reads a gateway's metrics.
import { describe, expect, test } from 'bun:test';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { checkPortBudget, ephemeralPorts, loadAddress } from '../../bench/harness/box-process.ts';
import { metricValue } from '../../bench/harness/node-probe.ts';

describe('box address plan', () => {
  test('load process i connects to 127.0.0.(i + 1); past the /8 it is refused', () => {
    expect([0, 1, 4].map(loadAddress)).toEqual(['127.0.0.1', '127.0.0.2', '127.0.0.5']);
    expect(() => loadAddress(254)).toThrow('no loopback address for load process 254');
  });

  test('the port range is read from its file; unreadable or malformed means unknown', () => {
    const dir = mkdtempSync(join(tmpdir(), 'lineage-ports-'));
    writeFileSync(join(dir, 'range'), '32768\t60999\n');
    writeFileSync(join(dir, 'bad'), 'nope\n');
    expect(ephemeralPorts(join(dir, 'range'))).toBe(28_232);
    expect(ephemeralPorts(join(dir, 'bad'))).toBeNull();
    expect(ephemeralPorts(join(dir, 'missing'))).toBeNull();
  });

  test('an address that needs more source ports than the range holds is refused, naming it', () => {
    const plan = new Map([
      ['127.0.0.1', 12_001],
      ['127.0.0.2', 30_000],
    ]);
    expect(() => checkPortBudget(plan, 28_232)).toThrow('30000 sockets to 127.0.0.2');
    expect(() => checkPortBudget(new Map([['127.0.0.1', 28_232]]), 28_232)).not.toThrow();
    expect(() => checkPortBudget(plan, null)).not.toThrow();
  });
});

describe('a metric out of the Prometheus text', () => {
  test('summed over label sets; other metrics with the same prefix are not it; absent is 0', () => {
    const text = [
      '# HELP lineage_broker_read_lag_seconds Event age when a gateway read it from the stream',
      'lineage_broker_read_lag_seconds_sum 4.5',
      'lineage_broker_read_lag_seconds_sum_other 100',
      'lineage_broker_read_lag_seconds_count{a="1"} 30',
      'lineage_broker_read_lag_seconds_count{a="2"} 6',
    ].join('\n');
    expect(metricValue(text, 'lineage_broker_read_lag_seconds_sum')).toBe(4.5);
    expect(metricValue(text, 'lineage_broker_read_lag_seconds_count')).toBe(36);
    expect(metricValue(text, 'lineage_nope')).toBe(0);
  });
});
