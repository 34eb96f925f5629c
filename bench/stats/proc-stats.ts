// Server process figures from /proc: CPU seconds (utime + stime of every thread) and resident memory.
import { readFileSync } from 'node:fs';

/** Clock ticks per second for /proc/<pid>/stat (USER_HZ; 100 on Linux unless `getconf CLK_TCK` says otherwise). */
export const DEFAULT_CLK_TCK = 100;

export interface CpuTicks {
  utime: number;
  stime: number;
  /** CPU of the process's children that have ended and been waited for (fields 16 and 17). */
  cutime: number;
  cstime: number;
}

/**
 * utime, stime, cutime and cstime (fields 14 to 17) of a /proc/<pid>/stat line. The command name (field 2) may
 * contain spaces and parentheses, so fields are counted from the last ')'.
 */
export function parseStat(text: string): CpuTicks {
  const close = text.lastIndexOf(')');
  if (close === -1) throw new Error('not a /proc/<pid>/stat line');
  const fields = text
    .slice(close + 2)
    .trim()
    .split(/\s+/);
  // fields[0] is field 3 (state), so field n is fields[n - 3].
  const utime = Number(fields[11]);
  const stime = Number(fields[12]);
  if (!Number.isFinite(utime) || !Number.isFinite(stime))
    throw new Error('cannot read utime/stime from /proc/<pid>/stat');
  const cutime = Number(fields[13]);
  const cstime = Number(fields[14]);
  return { utime, stime, cutime: Number.isFinite(cutime) ? cutime : 0, cstime: Number.isFinite(cstime) ? cstime : 0 };
}

/**
 * Busy ticks of the whole machine from /proc/stat's `cpu` line: user, nice, system, irq, softirq and steal (a
 * hypervisor's steal is time the bench did not get either); idle and iowait are not busy.
 */
export function parseMachineBusy(procStat: string): number {
  const line = procStat.split('\n').find((l) => l.startsWith('cpu '));
  if (line === undefined) throw new Error('no cpu line in /proc/stat');
  const f = line.trim().split(/\s+/).slice(1).map(Number);
  const [user, nice, system, , , irq, softirq, steal] = f;
  const busy = [user, nice, system, irq, softirq, steal].reduce<number>((a, v) => a + (v ?? 0), 0);
  if (!Number.isFinite(busy)) throw new Error('cannot read the cpu line of /proc/stat');
  return busy;
}

/** Busy CPU seconds of the whole machine so far (every process, the bench's and others'). */
export function machineBusySeconds(clkTck = DEFAULT_CLK_TCK): number {
  return parseMachineBusy(readFileSync('/proc/stat', 'utf8')) / clkTck;
}

/** VmRSS of a /proc/<pid>/status text, in bytes. */
export function parseRss(status: string): number {
  const m = /^VmRSS:\s+(\d+)\s+kB/m.exec(status);
  if (m === null) throw new Error('no VmRSS in /proc/<pid>/status');
  return Number(m[1]) * 1024;
}

/** CPU seconds used so far by a process (all of its threads). */
export function cpuSeconds(pid: number, clkTck = DEFAULT_CLK_TCK): number {
  const t = parseStat(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  return (t.utime + t.stime) / clkTck;
}

/** CPU seconds used so far by one thread of a process (its main thread's id is the process's own). */
export function threadCpuSeconds(pid: number, tid: number, clkTck = DEFAULT_CLK_TCK): number {
  const t = parseStat(readFileSync(`/proc/${pid}/task/${tid}/stat`, 'utf8'));
  return (t.utime + t.stime) / clkTck;
}

export function rssBytes(pid: number): number {
  return parseRss(readFileSync(`/proc/${pid}/status`, 'utf8'));
}

/** CPU seconds spent per million deliveries (NaN when nothing was delivered). */
export function cpuPerMillion(cpuSecondsUsed: number, deliveries: number): number {
  return deliveries > 0 ? cpuSecondsUsed / (deliveries / 1e6) : Number.NaN;
}

/** The machine's USER_HZ (falls back to 100). */
export function clockTicks(): number {
  try {
    const out = Bun.spawnSync(['getconf', 'CLK_TCK']).stdout.toString().trim();
    const n = Number(out);
    return Number.isInteger(n) && n > 0 ? n : DEFAULT_CLK_TCK;
  } catch {
    return DEFAULT_CLK_TCK;
  }
}
