/**
 * Builds the Rust cataloger's fixture during the test run: a real `cargo build --offline` of the local
 * crates in `crates/` (no crates.io access is needed: every dependency is a path dependency), then the
 * same audit data cargo-auditable would embed, computed from the real `cargo metadata` of that build,
 * zlib-compressed and added as section `.dep-v0` with binutils' objcopy.
 *
 * `encodeAuditData` follows cargo-auditable's `collect_audit_data.rs` / `auditable-serde`
 * (https://github.com/rust-secure-code/cargo-auditable): the dependency kind of a package is the
 * strongest kind on any path from the root (runtime > build; dev-only packages are left out), packages are
 * sorted by name then id, and `kind` (runtime), `dependencies` ([]) and `root` (false) are omitted at
 * their defaults. cargo-auditable itself is not installable here (crates.io is unreachable).
 */
import { cp, mkdtemp, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { deflateSync } from 'node:zlib';
import { run } from '../../../../test/helpers/catalog-files.js';

const HERE = dirname(fileURLToPath(import.meta.url));

interface MetaPackage {
  id: string;
  name: string;
  version: string;
  source: string | null;
}
interface MetaDep {
  pkg: string;
  dep_kinds?: Array<{ kind: 'dev' | 'build' | null }>;
}
interface Metadata {
  packages: MetaPackage[];
  resolve: { root: string; nodes: Array<{ id: string; deps: MetaDep[] }> };
}

/** Weakest to strongest, as cargo-auditable's `PrivateDepKind`. */
const DEV = 0;
const BUILD = 1;
const RUNTIME = 2;

const strongestKind = (d: MetaDep): number =>
  Math.max(...(d.dep_kinds ?? [{ kind: null }]).map((k) => (k.kind === 'dev' ? DEV : k.kind === 'build' ? BUILD : RUNTIME)));

/** cargo-auditable's `Source` from a `cargo metadata` source string. */
function sourceOf(source: string | null): string {
  if (source === null) return 'local';
  if (source === 'registry+https://github.com/rust-lang/crates.io-index') return 'crates.io';
  return source.split('+')[0]!;
}

/** Breadth-first: the strongest dependency kind reaching each package from the root. */
function dependencyKinds(meta: Metadata): Map<string, number> {
  const nodes = new Map(meta.resolve.nodes.map((n) => [n.id, n]));
  const kinds = new Map([[meta.resolve.root, RUNTIME]]);
  let queue = [meta.resolve.root];
  while (queue.length > 0) {
    const next: string[] = [];
    for (const id of queue) {
      for (const dep of nodes.get(id)?.deps ?? []) {
        const kind = Math.min(strongestKind(dep), kinds.get(id)!);
        const seen = kinds.get(dep.pkg);
        if (seen === undefined || kind > seen) {
          kinds.set(dep.pkg, kind);
          next.push(dep.pkg);
        }
      }
    }
    queue = next;
  }
  return kinds;
}

/** The `VersionInfo` JSON value cargo-auditable embeds, from `cargo metadata` output. */
export function encodeAuditData(meta: Metadata): { packages: Array<Record<string, unknown>> } {
  const kinds = dependencyKinds(meta);
  const included = meta.packages
    .filter((p) => (kinds.get(p.id) ?? DEV) !== DEV)
    .sort((a, b) => (a.name === b.name ? (a.id < b.id ? -1 : 1) : a.name < b.name ? -1 : 1));
  const index = new Map(included.map((p, i) => [p.id, i]));
  const nodes = new Map(meta.resolve.nodes.map((n) => [n.id, n]));
  return {
    packages: included.map((p) => {
      const deps = (nodes.get(p.id)?.deps ?? [])
        .filter((d) => strongestKind(d) !== DEV)
        .map((d) => index.get(d.pkg)!)
        .sort((a, b) => a - b);
      return {
        name: p.name,
        version: p.version,
        source: sourceOf(p.source),
        ...(kinds.get(p.id) === BUILD && { kind: 'build' }),
        ...(deps.length > 0 && { dependencies: deps }),
        ...(p.id === meta.resolve.root && { root: true }),
      };
    }),
  };
}

/** Adds section `name` with `data` to a copy of `binary` (objcopy), returning the new file's path. */
export async function withSection(binary: string, name: string, data: Buffer, workDir: string): Promise<string> {
  const dir = await mkdtemp(join(workDir, 'objcopy-'));
  const dataFile = join(dir, 'section.bin');
  const out = join(dir, 'out');
  await writeFile(dataFile, data);
  await run('objcopy', ['--add-section', `${name}=${dataFile}`, '--set-section-flags', `${name}=noload,readonly`, binary, out]);
  return out;
}

/** Builds crates/corral-hello and embeds its audit data; returns the binary and the embedded JSON. */
export async function buildAuditableBinary(
  workDir: string,
): Promise<{ plain: string; auditable: string; versionInfo: ReturnType<typeof encodeAuditData> }> {
  const src = await mkdtemp(join(workDir, 'crates-'));
  await cp(join(HERE, 'crates'), src, { recursive: true });
  const cwd = join(src, 'corral-hello');
  const env = { CARGO_TARGET_DIR: join(workDir, 'cargo-target'), CARGO_TERM_COLOR: 'never' };
  await run('cargo', ['build', '--offline', '--release', '--quiet'], { cwd, env });
  const meta = JSON.parse(await run('cargo', ['metadata', '--offline', '--format-version', '1'], { cwd, env })) as Metadata;
  const versionInfo = encodeAuditData(meta);
  const plain = join(env.CARGO_TARGET_DIR, 'release', 'corral-hello');
  const auditable = await withSection(plain, '.dep-v0', deflateSync(JSON.stringify(versionInfo)), workDir);
  return { plain, auditable, versionInfo };
}
