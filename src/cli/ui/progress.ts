/**
 * Progress bars for long work (registry pulls, layer reads): drawn on stderr, only when it is a TTY,
 * so logs and pipes in CI stay clean.
 */
import cliProgress from 'cli-progress';

export interface Progress {
  /** Sets the total and the label of the current step. */
  start(label: string, total: number): void;
  add(n: number): void;
  /** Sets the absolute amount done. */
  set(done: number): void;
  stop(): void;
}

const NOOP: Progress = {
  start: () => undefined,
  add: () => undefined,
  set: () => undefined,
  stop: () => undefined,
};

export function createProgress(
  enabled = process.stderr.isTTY === true && process.env.CI !== 'true',
): Progress {
  if (!enabled) return NOOP;
  const bar = new cliProgress.SingleBar(
    {
      stream: process.stderr,
      format: '{label} [{bar}] {percentage}% | {done}/{all}',
      hideCursor: true,
      clearOnComplete: true,
      barsize: 30,
      formatValue: (v, _o, type) => (type === 'value' || type === 'total' ? human(v) : String(v)),
    },
    cliProgress.Presets.shades_classic,
  );
  let started = false;
  let value = 0;
  let total = 0;
  return {
    start(label, t) {
      total = Math.max(t, 1);
      value = 0;
      if (!started) bar.start(total, 0, { label, done: human(0), all: human(total) });
      else bar.setTotal(total);
      started = true;
      bar.update(0, { label, done: human(0), all: human(total) });
    },
    add(n) {
      value += n;
      if (started) bar.update(Math.min(value, total), { done: human(value) });
    },
    set(done) {
      value = done;
      if (started) bar.update(Math.min(value, total), { done: human(value) });
    },
    stop() {
      if (started) bar.stop();
      started = false;
    },
  };
}

export function human(bytes: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let v = bytes;
  let i = 0;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return `${i === 0 ? v : v.toFixed(1)} ${units[i]}`;
}
