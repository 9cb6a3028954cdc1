/**
 * OS detection from the release files distributions ship. os-release first (freedesktop spec:
 * https://www.freedesktop.org/software/systemd/man/latest/os-release.html), then the legacy files.
 */
import type { FileView } from '../../image/file-view.js';
import type { Distro } from '../model.js';

/** Files read for detection; the catalog runner declares them so they are captured in the first pass. */
export const OS_RELEASE_PATHS: readonly string[] = [
  '/etc/os-release',
  '/usr/lib/os-release',
  '/etc/alpine-release',
  '/etc/debian_version',
  '/etc/redhat-release',
  '/etc/centos-release',
  '/etc/lsb-release',
];

/** Parses os-release `KEY=value` lines (shell-like quoting, `\` escapes, comments). */
export function parseOsRelease(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) continue;
    const eq = line.indexOf('=');
    if (eq <= 0) continue;
    const key = line.slice(0, eq).trim();
    let value = line.slice(eq + 1).trim();
    const q = value[0];
    if ((q === '"' || q === "'") && value.endsWith(q) && value.length >= 2) {
      value = value.slice(1, -1);
      if (q === '"') value = value.replace(/\\(["\\`$])/g, '$1');
    }
    out[key] = value;
  }
  return out;
}

function fromOsRelease(fields: Record<string, string>): Distro | undefined {
  const id = fields.ID?.toLowerCase();
  if (!id) return undefined;
  return {
    id,
    ...(fields.VERSION_ID && { versionId: fields.VERSION_ID }),
    ...(fields.VERSION_CODENAME && { codename: fields.VERSION_CODENAME }),
    ...(fields.PRETTY_NAME && { prettyName: fields.PRETTY_NAME }),
    ...(fields.ID_LIKE && { idLike: fields.ID_LIKE.split(/\s+/).filter(Boolean) }),
  };
}

async function readText(view: FileView, path: string): Promise<string | undefined> {
  const f = view.get(path);
  if (!f || f.type !== 'file' || f.size > 64 * 1024) return undefined;
  return (await f.read()).toString('utf8');
}

/** Red Hat family one-liners: `CentOS Linux release 7.9.2009 (Core)`, `Red Hat Enterprise Linux release 8.6 (Ootpa)`. */
function fromRedhatRelease(text: string): Distro | undefined {
  const m = /^(.*?)\s+release\s+([\d.]+)/i.exec(text.trim());
  if (!m) return undefined;
  const name = (m[1] ?? '').toLowerCase();
  const id = name.includes('centos')
    ? 'centos'
    : name.includes('fedora')
      ? 'fedora'
      : name.includes('rocky')
        ? 'rocky'
        : name.includes('alma')
          ? 'almalinux'
          : 'rhel';
  return { id, versionId: m[2]!, prettyName: text.trim() };
}

const DEBIAN_CODENAMES: Record<string, string> = {
  '9': 'stretch',
  '10': 'buster',
  '11': 'bullseye',
  '12': 'bookworm',
  '13': 'trixie',
};

/** Detects the distro of an image; undefined for scratch / unknown images. */
export async function detectDistro(view: FileView): Promise<Distro | undefined> {
  for (const path of ['/etc/os-release', '/usr/lib/os-release']) {
    const text = await readText(view, path);
    const d = text !== undefined ? fromOsRelease(parseOsRelease(text)) : undefined;
    if (d) {
      if (d.id === 'debian' && d.codename === undefined && d.versionId !== undefined) {
        const codename = DEBIAN_CODENAMES[d.versionId.split('.')[0]!];
        if (codename) d.codename = codename;
      }
      return d;
    }
  }
  const alpine = await readText(view, '/etc/alpine-release');
  if (alpine) return { id: 'alpine', versionId: alpine.trim() };
  for (const path of ['/etc/centos-release', '/etc/redhat-release']) {
    const text = await readText(view, path);
    const d = text ? fromRedhatRelease(text) : undefined;
    if (d) return d;
  }
  const debian = await readText(view, '/etc/debian_version');
  if (debian) {
    const v = debian.trim();
    const major = v.split('.')[0] ?? '';
    const codename = DEBIAN_CODENAMES[major] ?? (/^[a-z]+\/sid$/.test(v) ? 'sid' : undefined);
    return { id: 'debian', ...(/^\d/.test(v) && { versionId: major }), ...(codename && { codename }) };
  }
  return undefined;
}
