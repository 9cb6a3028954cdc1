import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { decodeEntry, encodeEntry, entryContent } from './affected-entry.js';
import type { Affected } from './model.js';

describe('affected entry column', () => {
  it('round-trips every field and omits trailing nulls', () => {
    const full: Affected = {
      ecosystem: 'Debian',
      distroRelease: '12',
      package: 'openssl',
      ranges: [{ type: 'ECOSYSTEM', events: [{ introduced: '0' }, { fixed: '3.0.11-1~deb12u2' }] }],
      versions: ['3.0.9-1'],
      fixState: 'fixed',
      fixedIn: '3.0.11-1~deb12u2',
      severity: { source: 'debian', type: 'distro', level: 'high' },
      cpe: 'cpe:2.3:a:openssl:openssl:*:*:*:*:*:*:*:*',
      note: 'no-dsa: minor issue',
    };
    const text = encodeEntry('CVE-2023-5678', 'debian', 'CVE-2023-5678', '12', entryContent(full));
    assert.deepEqual(decodeEntry(text), [
      'CVE-2023-5678',
      'debian',
      'CVE-2023-5678',
      '12',
      full.ranges,
      full.versions,
      full.fixState,
      full.fixedIn,
      full.severity,
      full.cpe,
      full.note,
    ]);

    const bare: Affected = { ecosystem: 'npm', package: 'x', ranges: [], versions: [], fixState: 'unknown' };
    const short = encodeEntry('GHSA-1', 'osv', 'GHSA-1', '', entryContent(bare));
    assert.equal(short, '["GHSA-1","osv","GHSA-1","",[],[],"unknown"]');
    assert.deepEqual(decodeEntry(short), ['GHSA-1', 'osv', 'GHSA-1', '', [], [], 'unknown']);
    const noteOnly = entryContent({ ...bare, note: 'n' });
    assert.equal(noteOnly, '[[],[],"unknown",null,null,null,"n"]');
  });
});
