/**
 * Image reference syntax, one for every source (skopeo's transport prefixes):
 *
 *   docker-archive:PATH[:NAME|:@INDEX]   `docker save` tarball (plain or gzipped)
 *   oci-layout:PATH[:TAG|@DIGEST]         OCI image layout directory
 *   oci-archive:PATH[:TAG|@DIGEST]        OCI image layout packed in a tar
 *   docker:NAME                           image in the local Docker Engine
 *   registry:REF | REF                    OCI distribution registry
 *   dir:PATH                              unpacked root filesystem
 *
 * A bare existing path is auto-detected from its contents.
 */
import { closeSync, openSync, readSync, statSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { AppError } from '../errors.js';
import type { SourceKind } from './types.js';

export interface ParsedRef {
  kind: SourceKind;
  /** Path (archives, layouts, dirs), name (docker), or registry reference. */
  location: string;
  /** Image selector inside a multi-image archive or layout: a name/tag, `@sha256:…` or `@N`. */
  selector?: string;
  /** The reference as given, for messages. */
  raw: string;
}

const PREFIXES: readonly SourceKind[] = [
  'docker-archive',
  'oci-layout',
  'oci-archive',
  'registry',
  'docker',
  'dir',
];
const PATH_KINDS = new Set<SourceKind>(['docker-archive', 'oci-layout', 'oci-archive']);

/**
 * Parses a user-supplied image reference.
 * @example parseImageRef('oci-layout:./out:v1') // { kind: 'oci-layout', location: './out', selector: 'v1' }
 */
export function parseImageRef(raw: string): ParsedRef {
  const text = raw.trim();
  if (text === '') throw new AppError('IMAGE_REF_INVALID', 'empty image reference');
  for (const kind of PREFIXES) {
    if (!text.startsWith(`${kind}:`)) continue;
    const rest = text.slice(kind.length + 1);
    if (rest === '') throw new AppError('IMAGE_REF_INVALID', `image reference "${raw}" has no location`);
    if (PATH_KINDS.has(kind)) return { kind, ...splitPathSelector(rest), raw };
    return { kind, location: rest, raw };
  }
  if (looksLikePath(text)) {
    if (!existsSync(text)) {
      throw new AppError('IMAGE_NOT_FOUND', `no such file or directory: ${text}`, {
        hint: 'for a registry image drop the leading "./" or "/", or prefix it with "registry:"',
      });
    }
    return { kind: detectPathKind(text), location: text, raw };
  }
  if (existsSync(text)) return { kind: detectPathKind(text), location: text, raw };
  return { kind: 'registry', location: text, raw };
}

function looksLikePath(text: string): boolean {
  return text.startsWith('/') || text.startsWith('./') || text.startsWith('../') || text === '.';
}

/**
 * Splits `PATH[:SELECTOR]` or `PATH@DIGEST`. Paths may contain `:`, so the longest prefix that exists on
 * disk wins; when nothing exists the whole string is the path (and the source reports it missing).
 */
function splitPathSelector(rest: string): { location: string; selector?: string } {
  if (existsSync(rest)) return { location: rest };
  const at = rest.lastIndexOf('@');
  if (at > 0 && existsSync(rest.slice(0, at)))
    return { location: rest.slice(0, at), selector: rest.slice(at) };
  for (let i = rest.length - 1; i > 0; i--) {
    if (rest[i] !== ':') continue;
    const path = rest.slice(0, i);
    if (existsSync(path)) return { location: path, selector: rest.slice(i + 1) };
  }
  return { location: rest };
}

/** Detects the kind of an existing path by looking at it (directory layout, tar members, gzip magic). */
export function detectPathKind(path: string): SourceKind {
  const st = statSync(path);
  if (st.isDirectory()) {
    return existsSync(join(path, 'oci-layout')) && existsSync(join(path, 'index.json'))
      ? 'oci-layout'
      : 'dir';
  }
  const head = readHead(path, 512);
  if (head.length >= 2 && head[0] === 0x1f && head[1] === 0x8b) return 'docker-archive';
  // Both `docker save` (Docker ≥ 25 writes an OCI layout plus manifest.json) and OCI archives are tars;
  // the first member name is a cheap hint, the sources themselves check the full contents.
  const firstName = head.subarray(0, 100).toString('latin1').replace(/\0.*$/s, '');
  if (firstName === 'oci-layout' || firstName === './oci-layout') return 'oci-archive';
  return 'docker-archive';
}

function readHead(path: string, n: number): Buffer {
  const fd = openSync(path, 'r');
  try {
    const buf = Buffer.alloc(n);
    const got = readSync(fd, buf, 0, n, 0);
    return buf.subarray(0, got);
  } finally {
    closeSync(fd);
  }
}

/** A Docker-style image name split into its parts, normalised as the Docker CLI does. */
export interface DockerReference {
  /** Registry host as written (`docker.io` for Docker Hub). */
  registry: string;
  /** Repository path, e.g. `library/alpine`. */
  repository: string;
  tag?: string;
  digest?: string;
}

const DIGEST_RE = /^[a-z0-9]+(?:[.+_-][a-z0-9]+)*:[a-zA-Z0-9=_-]{32,}$/;
const TAG_RE = /^[\w][\w.-]{0,127}$/;
const REPO_RE = /^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*(?:\/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)*$/;

/**
 * Parses and normalises a Docker reference (`alpine` → `docker.io/library/alpine:latest`).
 * @example parseDockerReference('localhost:5000/app@sha256:…')
 */
export function parseDockerReference(text: string): DockerReference {
  let rest = text;
  let digest: string | undefined;
  const at = rest.indexOf('@');
  if (at >= 0) {
    digest = rest.slice(at + 1);
    rest = rest.slice(0, at);
    if (!DIGEST_RE.test(digest)) throw invalidRef(text, `"${digest}" is not a valid digest`);
  }
  let tag: string | undefined;
  const slash = rest.lastIndexOf('/');
  const colon = rest.lastIndexOf(':');
  if (colon > slash) {
    tag = rest.slice(colon + 1);
    rest = rest.slice(0, colon);
    if (!TAG_RE.test(tag)) throw invalidRef(text, `"${tag}" is not a valid tag`);
  }
  const parts = rest.split('/');
  let registry = 'docker.io';
  const first = parts[0] ?? '';
  if (parts.length > 1 && (first.includes('.') || first.includes(':') || first === 'localhost')) {
    registry = first;
    parts.shift();
  }
  if (registry === 'index.docker.io' || registry === 'registry-1.docker.io') registry = 'docker.io';
  let repository = parts.join('/');
  if (registry === 'docker.io' && parts.length === 1) repository = `library/${repository}`;
  if (!REPO_RE.test(repository)) throw invalidRef(text, `"${repository}" is not a valid repository name`);
  if (tag === undefined && digest === undefined) tag = 'latest';
  return { registry, repository, ...(tag !== undefined && { tag }), ...(digest !== undefined && { digest }) };
}

export function formatDockerReference(r: DockerReference): string {
  return `${r.registry}/${r.repository}${r.tag !== undefined ? `:${r.tag}` : ''}${r.digest !== undefined ? `@${r.digest}` : ''}`;
}

/** Short form as Docker prints it (`alpine:3.20`, `localhost:5000/app:1`). */
export function familiarName(r: DockerReference): string {
  const repo =
    r.registry === 'docker.io' ? r.repository.replace(/^library\//, '') : `${r.registry}/${r.repository}`;
  return `${repo}${r.tag !== undefined ? `:${r.tag}` : ''}${r.digest !== undefined ? `@${r.digest}` : ''}`;
}

function invalidRef(text: string, why: string): AppError {
  return new AppError('IMAGE_REF_INVALID', `invalid image reference "${text}": ${why}`, {
    hint: 'use NAME[:TAG][@DIGEST], e.g. registry.example.com/team/app:1.2',
  });
}
