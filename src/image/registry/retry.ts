/**
 * Retry policy of registry requests: exponential backoff with jitter, and `Retry-After` on 429/503.
 *
 * Only throttling (429), server errors (5xx) and network failures are retried. 401/403/404 and other 4xx
 * are answers, not accidents: retrying them only delays the error (and 401s may lock accounts).
 * ref. https://www.rfc-editor.org/rfc/rfc9110#field.retry-after
 */
import { setTimeout as delay } from 'node:timers/promises';

export const DEFAULT_RETRIES = 4;
export const DEFAULT_RETRY_BASE_MS = 500;
/** No single wait is longer than this, whatever the server asks: a scan should fail rather than hang. */
export const MAX_RETRY_DELAY_MS = 60_000;

export interface RetryPolicy {
  /** Retries after the first attempt. */
  retries: number;
  baseMs: number;
}

export function isRetryableStatus(status: number): boolean {
  return status === 429 || (status >= 500 && status <= 599 && status !== 501);
}

/**
 * Delay before retry number `attempt` (0-based): `base * 2^attempt`, half of it random ("equal jitter")
 * so that many clients throttled together do not retry in lockstep. A server `Retry-After` wins when it
 * asks for longer.
 */
export function retryDelayMs(policy: RetryPolicy, attempt: number, retryAfterMs?: number): number {
  const exp = policy.baseMs * 2 ** attempt;
  const backoff = exp / 2 + Math.random() * (exp / 2);
  return Math.min(MAX_RETRY_DELAY_MS, Math.max(backoff, retryAfterMs ?? 0));
}

/** Parses `Retry-After` (delta-seconds or an HTTP date) into milliseconds from `now`. */
export function parseRetryAfter(value: string | string[] | undefined, now = Date.now()): number | undefined {
  const text = Array.isArray(value) ? value[0] : value;
  if (text === undefined || text.trim() === '') return undefined;
  if (/^\s*\d+\s*$/.test(text)) return Number(text) * 1000;
  const at = Date.parse(text);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

/** Waits `ms`, rejecting early with the signal's reason when it aborts. */
export async function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  await delay(ms, undefined, signal === undefined ? undefined : { signal });
}
