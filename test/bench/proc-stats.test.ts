// CPU accounting from /proc: parsing utime/stime past odd command names, RSS, and CPU per million deliveries.
import { describe, expect, test } from 'bun:test';
import {
  cpuPerMillion,
  cpuSeconds,
  machineBusySeconds,
  parseRss,
  parseStat,
  rssBytes,
  threadCpuSeconds,
} from '../../bench/stats/proc-stats.ts';

describe('proc stats', () => {
  test('utime and stime are fields 14 and 15, counted after the last ")"', () => {
    const line = '4242 (bun (worker) x) S 1 4242 4242 0 -1 4194560 1234 0 0 0 1500 250 7 8 20 0 7 0 123 456 789';
    expect(parseStat(line)).toEqual({ utime: 1500, stime: 250, cutime: 7, cstime: 8 });
    expect(() => parseStat('garbage')).toThrow();
  });

  test('VmRSS in kB → bytes', () => {
    expect(parseRss('Name:\tbun\nVmRSS:\t   65432 kB\nThreads:\t7\n')).toBe(65432 * 1024);
    expect(() => parseRss('Name: x')).toThrow();
  });

  test('CPU seconds per million deliveries (= µs per delivery)', () => {
    expect(cpuPerMillion(2.5, 5_000_000)).toBe(0.5);
    expect(cpuPerMillion(1, 0)).toBeNaN();
  });

  test('this process: CPU grows with work, RSS is positive', () => {
    const before = cpuSeconds(process.pid);
    const end = performance.now() + 150;
    let x = 0;
    while (performance.now() < end) x += Math.sqrt(x + 1);
    expect(x).toBeGreaterThan(0);
    expect(cpuSeconds(process.pid)).toBeGreaterThan(before);
    expect(rssBytes(process.pid)).toBeGreaterThan(1024 * 1024);
    // The main thread did the loop: part of the process's CPU, not more.
    const main = threadCpuSeconds(process.pid, process.pid);
    expect(main).toBeGreaterThan(0);
    expect(main).toBeLessThanOrEqual(cpuSeconds(process.pid));
    expect(machineBusySeconds()).toBeGreaterThanOrEqual(main);
  });
});
