/**
 * Alpine releases whose secdb files a full `corral db update` fetches
 * (https://secdb.alpinelinux.org/<release>/<repo>.json). Older releases are still published and can
 * be imported from files; a new release needs one line here (README.md, known gaps).
 */
export const ALPINE_SECDB_RELEASES: readonly string[] = [
  'v3.12',
  'v3.13',
  'v3.14',
  'v3.15',
  'v3.16',
  'v3.17',
  'v3.18',
  'v3.19',
  'v3.20',
  'v3.21',
  'v3.22',
  'v3.23',
  'edge',
];

/** The repositories secdb publishes per release. */
export const ALPINE_SECDB_REPOS: readonly string[] = ['main', 'community'];

const RELEASE_IN_NAME = /(?:^|[/_-])(v\d+\.\d+|edge)(?=[/_.-]|$)/i;

/**
 * The release a secdb file belongs to, from its name (`v3.20/main.json`, `edge/community.json`,
 * `alpine-v3.19-main.json`), lowercased; undefined when the name does not say.
 *
 * @example
 * alpineReleaseFromName('v3.20/main.json') // 'v3.20'
 */
export function alpineReleaseFromName(name: string): string | undefined {
  return RELEASE_IN_NAME.exec(name)?.[1]?.toLowerCase();
}

/** `v3.20` / `3.20` / `edge` (secdb `distroversion`) → `v3.20` / `edge`; undefined otherwise. */
export function normalAlpineRelease(value: string): string | undefined {
  const v = value.trim().toLowerCase();
  if (v === 'edge') return v;
  const m = /^v?(\d+\.\d+)$/.exec(v);
  return m === null ? undefined : `v${m[1]}`;
}
