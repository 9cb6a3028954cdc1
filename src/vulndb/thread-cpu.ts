/**
 * CPU time of the calling thread (diagnostics for benchmarks: an import runs on two threads, and on a
 * shared machine wall time says little). `process.threadCpuUsage` where Node has it (≥ 23.9), else
 * Linux's `/proc/thread-self/stat` (clock-tick resolution, 10 ms), else undefined.
 *
 * @example
 * const t0 = threadCpuMs(); work(); const ms = threadCpuMs()! - t0!;
 */
import { readFileSync } from 'node:fs';

/** Linux USER_HZ: `utime`/`stime` in /proc are in 1/100 s on every Linux architecture Node runs on. */
const TICKS_PER_SECOND = 100;

export function threadCpuMs(): number | undefined {
  const native = (process as { threadCpuUsage?: () => NodeJS.CpuUsage }).threadCpuUsage;
  if (typeof native === 'function') {
    const u = native.call(process);
    return (u.user + u.system) / 1000;
  }
  try {
    const stat = readFileSync('/proc/thread-self/stat', 'utf8');
    // fields after the parenthesised command name (which may contain spaces): state is field 3
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const utime = Number(fields[11]);
    const stime = Number(fields[12]);
    if (!Number.isFinite(utime) || !Number.isFinite(stime)) return undefined;
    return ((utime + stime) * 1000) / TICKS_PER_SECOND;
  } catch (err) {
    // not Linux (no /proc): unknown
    void err;
    return undefined;
  }
}
