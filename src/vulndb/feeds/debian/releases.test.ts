import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { debianCodename, debianReleaseVersion } from './releases.js';

// os-release VERSION_ID / /etc/debian_version values as found in official images.
const CODENAMES: [string, string | undefined][] = [
  ['12', 'bookworm'],
  ['12.5', 'bookworm'],
  ['11', 'bullseye'],
  ['11.0', 'bullseye'],
  ['10.13', 'buster'],
  ['13', 'trixie'],
  ['9', 'stretch'],
  ['8.11', 'jessie'],
  ['3.1', 'sarge'],
  ['3.0', 'woody'],
  ['2.2r7', 'potato'],
  ['unstable', 'sid'],
  ['sid', 'sid'],
  ['bookworm', 'bookworm'],
  ['trixie/sid', undefined],
  ['99', undefined],
  ['', undefined],
];

describe('debian releases', () => {
  for (const [version, codename] of CODENAMES) {
    it(`codename of ${JSON.stringify(version)}`, () => assert.equal(debianCodename(version), codename));
  }
  it('versions of codenames', () => {
    assert.equal(debianReleaseVersion('bookworm'), '12');
    assert.equal(debianReleaseVersion('Bullseye'), '11');
    assert.equal(debianReleaseVersion('sid'), undefined);
    assert.equal(debianReleaseVersion('nonsense'), undefined);
  });
});
