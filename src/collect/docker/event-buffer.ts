/**
 * A bounded FIFO of deployment events waiting to be sent. When full, the oldest event is dropped and
 * counted: a full resync after reconnecting corrects the state, only the history of the dropped events
 * is lost.
 */
import type { DeploymentEvent } from '../../inventory/types.js';

export const DEFAULT_BUFFER_CAPACITY = 10_000;

export class EventBuffer {
  readonly #capacity: number;
  #items: DeploymentEvent[] = [];
  #head = 0;
  /** Events dropped since the last {@link takeDropped}. */
  #dropped = 0;

  constructor(capacity = DEFAULT_BUFFER_CAPACITY) {
    if (!Number.isInteger(capacity) || capacity < 1) throw new Error(`invalid buffer capacity ${capacity}`);
    this.#capacity = capacity;
  }

  get size(): number {
    return this.#items.length - this.#head;
  }

  push(e: DeploymentEvent): void {
    if (this.size >= this.#capacity) {
      this.#head++;
      this.#dropped++;
    }
    this.#items.push(e);
    this.#compact();
  }

  /** Up to `n` oldest events, without removing them (call {@link drop} once they are delivered). */
  peek(n: number): DeploymentEvent[] {
    return this.#items.slice(this.#head, this.#head + n);
  }

  /** Removes the `n` oldest events. */
  drop(n: number): void {
    this.#head = Math.min(this.#head + n, this.#items.length);
    this.#compact();
  }

  /** How many events were dropped for lack of room since the last call; resets the count. */
  takeDropped(): number {
    const n = this.#dropped;
    this.#dropped = 0;
    return n;
  }

  #compact(): void {
    if (this.#head > 1024 && this.#head * 2 > this.#items.length) {
      this.#items = this.#items.slice(this.#head);
      this.#head = 0;
    }
  }
}
