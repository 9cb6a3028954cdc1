/**
 * The connection layer of the registry client: one undici `Agent` per client, carrying the TLS trust
 * settings, plus the classification of transport failures (TLS vs. network).
 */
import { readFileSync } from 'node:fs';
import { rootCertificates } from 'node:tls';
import { Agent } from 'undici';
import { AppError, describeError } from '../../errors.js';

export interface TransportOptions {
  /** Accept any certificate (and, in the client, fall back to plain HTTP). */
  insecure?: boolean;
  /** PEM files of extra CAs, trusted in addition to Node's bundled roots. */
  caFiles?: string[];
}

/** Seconds to wait for response headers; registries behind slow storage can take a while. */
const HEADERS_TIMEOUT_MS = 120_000;
/** Max silence between body chunks of a blob before the stream errors. */
const BODY_TIMEOUT_MS = 300_000;

/**
 * Creates the agent. Setting `connect.ca` *replaces* Node's default trust store, so the extra CAs are
 * appended to `tls.rootCertificates` rather than given alone.
 */
export function createAgent(opts: TransportOptions): Agent {
  const connect: Agent.Options['connect'] = opts.insecure
    ? { rejectUnauthorized: false }
    : opts.caFiles !== undefined && opts.caFiles.length > 0
      ? { ca: [...rootCertificates, ...opts.caFiles.map(readCaFile)] }
      : {};
  return new Agent({ connect, headersTimeout: HEADERS_TIMEOUT_MS, bodyTimeout: BODY_TIMEOUT_MS });
}

function readCaFile(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (err) {
    throw new AppError('CONFIG_INVALID', `cannot read CA certificate file ${path}: ${describeError(err)}`, {
      hint: 'pass a PEM file with --ca-file',
      cause: err,
    });
  }
}

/** OpenSSL / Node TLS error codes: certificate verification and handshake failures. */
const TLS_CODE_RE =
  /^(?:ERR_SSL_|ERR_TLS_|ERR_OSSL_|CERT_|UNABLE_TO_|DEPTH_ZERO_SELF_SIGNED|SELF_SIGNED_CERT|HOSTNAME_MISMATCH|EPROTO$)/;

/** True when `err` (or one of its causes) is a TLS handshake or certificate failure. */
export function isTlsError(err: unknown): boolean {
  for (let e: unknown = err, depth = 0; e instanceof Error && depth < 5; e = e.cause, depth++) {
    const code = (e as NodeJS.ErrnoException).code;
    if (typeof code === 'string' && TLS_CODE_RE.test(code)) return true;
  }
  return false;
}

/** True when the request was aborted by the caller's signal (never retried, never wrapped). */
export function isAbortError(err: unknown, signal?: AbortSignal): boolean {
  if (signal?.aborted === true) return true;
  return (
    err instanceof Error &&
    (err.name === 'AbortError' || (err as NodeJS.ErrnoException).code === 'UND_ERR_ABORTED')
  );
}
