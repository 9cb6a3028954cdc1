/**
 * Terminal output helpers: colours only on a TTY (and never with NO_COLOR / --no-color), messages to stderr.
 */
import type { Writable } from 'node:stream';

export interface Output {
  readonly color: boolean;
  error(msg: string): void;
  warn(msg: string): void;
  hint(msg: string): void;
  info(msg: string): void;
}

export function useColor(stream: Writable): boolean {
  if (process.env.NO_COLOR !== undefined && process.env.NO_COLOR !== '') return false;
  if (process.argv.includes('--no-color')) return false;
  if (process.env.FORCE_COLOR !== undefined && process.env.FORCE_COLOR !== '0') return true;
  return (stream as Writable & { isTTY?: boolean }).isTTY === true;
}

const ANSI = { red: 31, yellow: 33, green: 32, blue: 34, magenta: 35, cyan: 36, gray: 90, bold: 1, dim: 2 };
export type Colour = keyof typeof ANSI;

export function paint(on: boolean, colour: Colour, text: string): string {
  return on ? `\u001b[${ANSI[colour]}m${text}\u001b[0m` : text;
}

export function createOutput(stream: Writable = process.stderr): Output {
  const color = useColor(stream);
  const line = (s: string): void => void stream.write(`${s}\n`);
  return {
    color,
    error: (m) => line(paint(color, 'red', m)),
    warn: (m) => line(paint(color, 'yellow', `warning: ${m}`)),
    hint: (m) => line(paint(color, 'gray', `  ${m}`)),
    info: (m) => line(m),
  };
}
