/**
 * Runs the secret rules over an image. {@link scanImageSecrets} streams each layer once and scans every
 * regular text file as it goes by, so a secret written in one layer and deleted or overwritten in a later
 * one is still found (its bytes ship with the image) and is reported with the layer that holds it.
 */
import type { FileView } from '../../image/file-view.js';
import { basename, normaliseEntryName, WHITEOUT_PREFIX } from '../../image/layer/paths.js';
import { walkLayer, type EntryBody } from '../../image/layer/walker.js';
import { defaultLimits, type Limits } from '../../image/limits.js';
import { squashImage } from '../../image/squash.js';
import type { Image, Layer } from '../../image/types.js';
import {
  BINARY_SNIFF_BYTES,
  createSecretDetector,
  DEFAULT_MAX_FILE_BYTES,
  fingerprint,
  isBinary,
  redact,
  type SecretDetector,
  type SecretMatch,
} from './detect.js';

export interface SecretFinding {
  ruleId: string;
  description: string;
  path: string;
  /** The layer holding the file (for a squashed view: the layer that last wrote it). */
  layerIndex: number;
  layerDigest?: string;
  /** 1-based line of the secret's first character. */
  line?: number;
  /** At most 4 leading characters of the secret followed by `*`s; never the secret itself. */
  redacted: string;
  /** sha256 (hex) of the secret, for allow-listing a known value. */
  fingerprint: string;
}

export type SkipReason = 'binary' | 'too-large';

export interface SecretScanOptions {
  /** Extra globs (picomatch syntax, absolute paths) whose files are not scanned. */
  allowPaths?: string[];
  /** Rule ids to skip (see RULES). */
  disabledRules?: string[];
  /** Fingerprints (sha256 hex of the secret, from an earlier finding) of known, accepted values. */
  allowFingerprints?: string[];
  /** Files larger than this are skipped (default 10 MiB). */
  maxFileBytes?: number;
  /** Skip the built-in allow-list (docs, public certificates, test fixtures); default true. */
  defaultAllowPaths?: boolean;
}

/** Pseudo-paths of findings in the image config (not files): `ENV`, `LABEL` and `RUN` lines. */
export const CONFIG_PATHS = {
  env: 'config:Env',
  labels: 'config:Labels',
  history: 'config:history',
} as const;

export interface ImageSecretScanOptions extends SecretScanOptions {
  /** Image reading limits (decompression caps); default {@link defaultLimits}. */
  limits?: Limits;
  signal?: AbortSignal;
  /** Called with stored bytes read, per layer (progress bars). */
  onLayerBytes?: (layer: Layer, bytes: number) => void;
  /** Also scan the config's Env, Labels and history `created_by` (default true). */
  scanConfig?: boolean;
  /** Called for every file that was not scanned because it is binary or above `maxFileBytes`. */
  onSkip?: (path: string, layerIndex: number, reason: SkipReason) => void;
}

/**
 * Scans every layer of `image`, streaming: at most one file body (≤ `maxFileBytes`) is held at a time.
 * Findings are in layer order; a secret that stays unchanged when a later layer rewrites its file is
 * reported once, at the layer that introduced it.
 */
export async function scanImageSecrets(
  image: Image,
  opts: ImageSecretScanOptions = {},
): Promise<SecretFinding[]> {
  const limits = opts.limits ?? defaultLimits();
  if (image.rootDir !== undefined) {
    // a rootfs directory has no layers: its files are read from the host on demand
    const { view } = await squashImage(image, { limits, ...(opts.signal && { signal: opts.signal }) });
    try {
      return await scanSecrets(view, opts);
    } finally {
      await view.close();
    }
  }
  const detector = createSecretDetector(opts);
  const maxFile = opts.maxFileBytes ?? DEFAULT_MAX_FILE_BYTES;
  const findings: SecretFinding[] = opts.scanConfig === false ? [] : scanConfig(image, detector);
  const budget = { used: 0 };
  for (const layer of image.layers) {
    await walkLayer(
      layer,
      {
        imageRef: image.ref,
        limits,
        budget,
        ...(opts.signal && { signal: opts.signal }),
        onBytes: (n) => opts.onLayerBytes?.(layer, n),
      },
      async (entry, body) => {
        if (entry.type !== 'file' || entry.size === 0) return;
        const norm = normaliseEntryName(entry.name);
        if (!norm.ok || basename(norm.path).startsWith(WHITEOUT_PREFIX) || !detector.wants(norm.path)) return;
        if (entry.size > maxFile) {
          opts.onSkip?.(norm.path, layer.index, 'too-large');
          return;
        }
        const text = await readText(body, entry.size);
        if (text === undefined) {
          opts.onSkip?.(norm.path, layer.index, 'binary');
          return;
        }
        for (const m of detector.detect(norm.path, text)) findings.push(toFinding(m, norm.path, layer));
      },
    );
  }
  return dedupe(withoutAllowed(findings, opts.allowFingerprints));
}

/**
 * Scans the regular files of a squashed view (what a container started from the image sees). Files that
 * a later layer deleted are not in the view: use {@link scanImageSecrets} to find those too. Bodies the
 * view did not capture are read lazily (one layer pass per file), so prefer {@link scanImageSecrets} for
 * whole images; this suits rootfs directories and views whose bodies were captured.
 */
export async function scanSecrets(view: FileView, opts: SecretScanOptions = {}): Promise<SecretFinding[]> {
  const detector = createSecretDetector(opts);
  const maxFile = opts.maxFileBytes ?? DEFAULT_MAX_FILE_BYTES;
  const onSkip = (opts as ImageSecretScanOptions).onSkip;
  const findings: SecretFinding[] = [];
  for (const [path, node] of view.entries()) {
    if (node.type !== 'file' || node.size === 0 || !detector.wants(path)) continue;
    if (node.size > maxFile) {
      onSkip?.(path, node.layerIndex, 'too-large');
      continue;
    }
    const body = await view.lstat(path)!.read();
    if (isBinary(body)) {
      onSkip?.(path, node.layerIndex, 'binary');
      continue;
    }
    for (const m of detector.detect(path, body.toString('latin1'))) {
      findings.push(toFinding(m, path, { index: node.layerIndex }));
    }
  }
  return withoutAllowed(findings, opts.allowFingerprints);
}

/**
 * Secrets baked into the config: `ENV` values, labels, and `RUN` command lines kept in the history
 * (`docker history` shows them to anyone who can pull). History findings carry the layer the step made,
 * or -1 for steps without a layer; the line is the 1-based entry number.
 */
function scanConfig(image: Image, detector: SecretDetector): SecretFinding[] {
  const { config, history } = image.config;
  const out: SecretFinding[] = [];
  const scan = (path: string, lines: string[], layerOf: (line: number) => Layer | undefined): void => {
    for (const m of detector.detect(path, lines.join('\n'))) {
      out.push(toFinding(m, path, layerOf(m.line) ?? { index: -1 }));
    }
  };
  scan(CONFIG_PATHS.env, (config.Env ?? []).map(oneLine), () => undefined);
  scan(
    CONFIG_PATHS.labels,
    Object.entries(config.Labels ?? {}).map(([k, v]) => oneLine(`${k}=${v}`)),
    () => undefined,
  );
  const layerOfStep: (Layer | undefined)[] = [];
  let next = 0;
  for (const h of history) layerOfStep.push(h.empty_layer === true ? undefined : image.layers[next++]);
  scan(
    CONFIG_PATHS.history,
    history.map((h) => oneLine(h.created_by ?? '')),
    (line) => layerOfStep[line - 1],
  );
  return out;
}

/** One entry per line, so line numbers are entry numbers. */
const oneLine = (s: string): string => s.replace(/[\r\n]+/g, ' ');

/**
 * Reads a text body of `size` bytes; `undefined` for a binary one (whose remaining bytes are consumed and
 * dropped, so the layer stream moves on without buffering them).
 */
async function readText(body: EntryBody, size: number): Promise<string | undefined> {
  const buf = Buffer.allocUnsafe(size);
  let at = 0;
  let binary = false;
  let sniffed = false;
  for await (const chunk of body) {
    if (binary) continue;
    const n = Math.min(chunk.length, size - at);
    buf.set(chunk.subarray(0, n), at);
    at += n;
    if (!sniffed && (at >= BINARY_SNIFF_BYTES || at === size)) {
      sniffed = true;
      binary = isBinary(buf.subarray(0, at));
    }
  }
  if (binary) return undefined;
  return buf.toString('latin1', 0, at);
}

function toFinding(
  m: SecretMatch,
  path: string,
  layer: Pick<Layer, 'index'> & { digest?: string },
): SecretFinding {
  return {
    ruleId: m.rule.id,
    description: m.rule.description,
    path,
    layerIndex: layer.index,
    ...(layer.digest !== undefined && { layerDigest: layer.digest }),
    line: m.line,
    redacted: redact(m.secret),
    fingerprint: fingerprint(m.secret),
  };
}

function withoutAllowed(findings: SecretFinding[], fingerprints: readonly string[] = []): SecretFinding[] {
  if (fingerprints.length === 0) return findings;
  const allowed = new Set(fingerprints.map((f) => f.toLowerCase()));
  return findings.filter((f) => !allowed.has(f.fingerprint));
}

function dedupe(findings: readonly SecretFinding[]): SecretFinding[] {
  const seen = new Set<string>();
  return findings.filter((f) => {
    const key = `${f.ruleId}\0${f.path}\0${f.fingerprint}\0${f.line ?? ''}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

export type { SecretDetector };
