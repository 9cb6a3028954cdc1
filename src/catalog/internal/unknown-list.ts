/**
 * Collects the Unknowns of one scanned file with a cap, so that a file of a million junk lines yields
 * a bounded report (the first problems, then one summary) instead of a million entries.
 */
import type { Unknown } from '../model.js';

/** Enough to show what is wrong with a file; the rest is counted in the summary. */
export const DEFAULT_MAX_UNKNOWNS_PER_FILE = 50;

/** `C`: the cataloger's code union, so that every code it reports is listed in one place. */
export class UnknownList<C extends string = string> {
  readonly #path: string;
  readonly #max: number;
  readonly #cappedCode: C;
  readonly #items: Unknown[] = [];
  #dropped = 0;

  /**
   * @param cappedCode code of the summary added when more than `max` problems were found,
   *   e.g. `CATALOG_DPKG_TOO_MANY_PROBLEMS`
   */
  constructor(path: string, cappedCode: C, max = DEFAULT_MAX_UNKNOWNS_PER_FILE) {
    this.#path = path;
    this.#cappedCode = cappedCode;
    this.#max = max;
  }

  add(code: C, message: string, path = this.#path): void {
    if (this.#items.length < this.#max) this.#items.push({ path, code, message });
    else this.#dropped++;
  }

  /** Adds Unknowns made elsewhere (e.g. by `readCapped`), whatever their code. */
  push(...unknowns: Unknown[]): void {
    for (const u of unknowns) {
      if (this.#items.length < this.#max) this.#items.push(u);
      else this.#dropped++;
    }
  }

  /** The scanned file these Unknowns are about. */
  get path(): string {
    return this.#path;
  }

  get size(): number {
    return this.#items.length + this.#dropped;
  }

  /** The problems kept, plus one summary naming how many more were dropped. */
  toArray(): Unknown[] {
    if (this.#dropped === 0) return [...this.#items];
    const message = `${this.#path}: ${this.#dropped} more problems not listed (only the first ${this.#max} are reported)`;
    return [...this.#items, { path: this.#path, code: this.#cappedCode, message }];
  }
}
