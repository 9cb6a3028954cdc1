import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { SCHEMES, schemeFor } from './registry.js';
import type { VersionScheme } from './scheme.js';

const HERE = fileURLToPath(new URL('.', import.meta.url));

/** [ecosystem or purl type, expected scheme id (undefined: no scheme)]. */
const DISPATCH: [string, string | undefined][] = [
  ['Debian', 'dpkg'],
  ['Debian:12', 'dpkg'],
  ['Ubuntu', 'dpkg'],
  ['Ubuntu:22.04:LTS', 'dpkg'],
  ['deb', 'dpkg'],
  ['Alpine', 'apk'],
  ['Alpine:v3.20', 'apk'],
  ['apk', 'apk'],
  ['Wolfi', 'apk'],
  ['Chainguard', 'apk'],
  ['Red Hat', 'rpm'],
  ['Rocky Linux:9', 'rpm'],
  ['AlmaLinux:8', 'rpm'],
  ['SUSE', 'rpm'],
  ['openSUSE', 'rpm'],
  ['rpm', 'rpm'],
  ['npm', 'semver'],
  ['crates.io', 'semver'],
  ['cargo', 'semver'],
  ['semver', 'semver'],
  ['PyPI', 'pep440'],
  ['pypi', 'pep440'],
  ['Maven', 'maven'],
  ['maven', 'maven'],
  ['Go', 'go'],
  ['golang', 'go'],
  ['RubyGems', 'gem'],
  ['gem', 'gem'],
  ['NuGet', 'nuget'],
  ['nuget', 'nuget'],
  ['Packagist', 'composer'],
  ['composer', 'composer'],
  ['  DEBIAN  ', 'dpkg'],
  ['Linux', undefined],
  ['Android', undefined],
  ['GIT', undefined],
  ['OSS-Fuzz', undefined],
  ['binary', undefined],
  ['', undefined],
  [':12', undefined],
];

describe('version scheme registry', () => {
  it('lists exactly the scheme folders on disk, once each (renovate versioning/index.spec.ts)', () => {
    const folders = readdirSync(HERE, { withFileTypes: true })
      .filter((d) => d.isDirectory())
      .map((d) => d.name)
      .sort();
    const ids = SCHEMES.map((s) => s.id);
    assert.deepEqual([...ids].sort(), folders);
    assert.equal(new Set(ids).size, ids.length);
  });

  it('gives every id and alias to exactly one scheme (case-insensitively)', () => {
    const owner = new Map<string, string>();
    for (const scheme of SCHEMES) {
      for (const name of new Set([scheme.id, ...scheme.aliases].map((n) => n.toLowerCase()))) {
        assert.equal(owner.get(name), undefined, `${name} claimed by ${owner.get(name)} and ${scheme.id}`);
        owner.set(name, scheme.id);
      }
    }
  });

  it('each folder exports one scheme object under its id, with the same public surface as the others', async () => {
    const surface = (s: VersionScheme): string[] => Object.keys(s).sort();
    const first = SCHEMES[0];
    assert.ok(first, 'at least one scheme');
    for (const scheme of SCHEMES) {
      const module = (await import(`./${scheme.id}/index.js`)) as Record<string, unknown>;
      assert.deepEqual(Object.keys(module), [scheme.id], `${scheme.id}/index.ts exports only its scheme`);
      assert.equal(module[scheme.id], scheme, `${scheme.id}/index.ts exports the registered object`);
      assert.deepEqual(surface(scheme), surface(first), `${scheme.id} has the common surface`);
      assert.ok(
        scheme.displayName.length > 0 && scheme.urls.length > 0,
        `${scheme.id} documents its sources`,
      );
      for (const url of scheme.urls) assert.match(url, /^https:\/\//, `${scheme.id} ${url}`);
    }
  });

  for (const [name, want] of DISPATCH) {
    it(`dispatches ${JSON.stringify(name)} to ${want ?? 'no scheme'}`, () =>
      assert.equal(schemeFor(name)?.id, want));
  }

  it('no scheme takes empty text, blank text or another ecosystem’s range syntax as a version', () => {
    for (const scheme of SCHEMES) {
      for (const text of [
        '',
        '   ',
        '\t',
        '>=1.0',
        '^1.2',
        '~> 1.2',
        '[1.0,2.0)',
        '1.0 || 2.0',
        'not a version',
      ]) {
        assert.equal(scheme.parse(text), undefined, `${scheme.id}: ${JSON.stringify(text)}`);
      }
    }
  });

  it('no scheme throws on hostile input, and every parsed version compares equal to itself', () => {
    const hostile = [
      '\u0000',
      '1'.repeat(10_000),
      `1.${'0.'.repeat(5_000)}1`,
      '1.0\u202e',
      '💥',
      '1.0.0-💥',
      '1:2:3-4-5',
      '0.0.0',
    ];
    for (const scheme of SCHEMES) {
      for (const text of hostile) {
        const parsed = scheme.parse(text);
        if (parsed !== undefined)
          assert.equal(scheme.compare(parsed, parsed), 0, `${scheme.id}: ${text.slice(0, 20)}`);
        assert.doesNotThrow(() => scheme.parseRange?.(text), `${scheme.id} parseRange`);
      }
    }
  });
});
