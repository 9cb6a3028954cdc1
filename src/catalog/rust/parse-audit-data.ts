/**
 * Parses the dependency tree cargo-auditable embeds in Rust binaries: section `.dep-v0` holds
 * zlib-compressed JSON, `{"packages":[{"name","version","source","kind"?,"dependencies"?,"root"?}],
 * "format"?}`.
 *
 * ref. https://github.com/rust-secure-code/cargo-auditable (`auditable-serde/src/lib.rs`: `VersionInfo`,
 * `Package`, `Source`, `DependencyKind`; `kind` defaults to `runtime`, `root` to false, `dependencies` to
 * `[]`; `auditable-info` caps decompressed data at 8 MiB) and the JSON schema
 * `cargo-auditable.schema.json` (https://rustsec.org/schemas/cargo-auditable.json).
 */
import { inflateSync } from 'node:zlib';
import { z } from 'zod';
import { MiB } from '../../image/limits.js';

/** auditable-info's default limit on decompressed audit data. */
export const MAX_AUDIT_JSON_BYTES = 8 * MiB;

export const AuditPackage = z.object({
  name: z.string().min(1),
  version: z.string().min(1),
  /** `crates.io`, `local`, `git`, `registry`, or another source kind verbatim. */
  source: z.string().min(1),
  kind: z.enum(['build', 'runtime']).default('runtime'),
  dependencies: z.array(z.number().int().nonnegative()).default([]),
  root: z.boolean().default(false),
});
export type AuditPackage = z.infer<typeof AuditPackage>;

const AuditSkeleton = z.object({ packages: z.array(z.unknown()), format: z.number().int().optional() });

export interface AuditIssue {
  code: 'CATALOG_RUST_AUDIT_DATA_TOO_LARGE' | 'CATALOG_RUST_AUDIT_DATA_INVALID';
  message: string;
}

/** Packages at their original positions (dependency indices refer to them); invalid ones are holes. */
export interface AuditData {
  packages: Array<AuditPackage | undefined>;
  issues: AuditIssue[];
}

const invalid = (message: string): AuditIssue => ({ code: 'CATALOG_RUST_AUDIT_DATA_INVALID', message });

function inflate(compressed: Buffer): string | AuditIssue {
  try {
    return inflateSync(compressed, { maxOutputLength: MAX_AUDIT_JSON_BYTES }).toString('utf8');
  } catch (err) {
    // zlib reports both corrupt data and the output cap as errors; tell them apart by code.
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ERR_BUFFER_TOO_LARGE') {
      return {
        code: 'CATALOG_RUST_AUDIT_DATA_TOO_LARGE',
        message: `audit data inflates past ${MAX_AUDIT_JSON_BYTES} bytes (a compression bomb or not audit data)`,
      };
    }
    return invalid(`audit data is not zlib data: ${(err as Error).message}`);
  }
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch (err) {
    // SyntaxError: reported by the caller as an issue, like any other malformed content.
    return err instanceof SyntaxError ? err : new SyntaxError(String(err));
  }
}

/** Validates each package in place; drops dependency indices that name no valid package. */
function looseParse(items: unknown[], issues: AuditIssue[]): Array<AuditPackage | undefined> {
  const parsed = items.map((item, i) => {
    const r = AuditPackage.safeParse(item);
    if (r.success) return r.data;
    const why = r.error.issues.map((x) => `${x.path.join('.')}: ${x.message}`).join('; ');
    issues.push(invalid(`packages[${i}]: ${why}`));
    return undefined;
  });
  return parsed.map((p, i) => {
    if (!p) return undefined;
    const bad = p.dependencies.filter((d) => d === i || parsed[d] === undefined);
    if (bad.length === 0) return p;
    issues.push(
      invalid(`packages[${i}] (${p.name}): dependency indices ${bad.join(', ')} name no valid package`),
    );
    return { ...p, dependencies: p.dependencies.filter((d) => !bad.includes(d)) };
  });
}

/**
 * Decompresses and validates `.dep-v0` contents; never throws.
 * @example
 * parseAuditData(deflateSync('{"packages":[{"name":"a","version":"1.0.0","source":"local","root":true}]}'))
 * // { packages: [{ name: 'a', version: '1.0.0', source: 'local', kind: 'runtime', dependencies: [], root: true }], issues: [] }
 */
export function parseAuditData(compressed: Buffer): AuditData {
  const text = inflate(compressed);
  if (typeof text !== 'string') return { packages: [], issues: [text] };
  const json = parseJson(text);
  if (json instanceof SyntaxError)
    return { packages: [], issues: [invalid(`audit data is not JSON: ${json.message}`)] };
  const skeleton = AuditSkeleton.safeParse(json);
  if (!skeleton.success) return { packages: [], issues: [invalid('audit data has no "packages" array')] };
  const issues: AuditIssue[] = [];
  return { packages: looseParse(skeleton.data.packages, issues), issues };
}
