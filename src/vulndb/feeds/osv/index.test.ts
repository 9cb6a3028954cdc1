import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { writeZip } from '../../../../test/support/zip.js';
import type { AdvisoryRecord, FeedItem } from '../../model.js';
import { openFileSource } from '../read.js';
import { osvFeed } from './index.js';
import { splitEcosystem } from './ecosystems.js';

const RECORDS = fileURLToPath(new URL('./testdata/records', import.meta.url));
const tmp = mkdtempSync(join(tmpdir(), 'corral-osv-'));
after(() => rmSync(tmp, { recursive: true, force: true }));

async function collect(path: string): Promise<FeedItem[]> {
  const items: FeedItem[] = [];
  for await (const item of osvFeed.records(await openFileSource(path), new AbortController().signal))
    items.push(item);
  return items;
}

function advisories(items: FeedItem[]): Map<string, AdvisoryRecord> {
  const out = new Map<string, AdvisoryRecord>();
  for (const i of items) if (i.kind === 'advisory') out.set(i.record.id, i.record);
  return out;
}

describe('osv importer', () => {
  it('reads a directory of records in upstream format', async () => {
    const items = await collect(RECORDS);
    const recs = advisories(items);
    assert.equal(recs.size, 10);
    const lodash = recs.get('GHSA-35jh-r3h4-6jhm')!;
    assert.deepEqual(lodash.aliases, ['CVE-2021-23337']);
    assert.deepEqual(lodash.cwes, ['CWE-77', 'CWE-94']);
    assert.deepEqual(
      lodash.severities.map((s) => [s.source, s.type, s.score, s.level]),
      [
        ['ghsa', 'CVSS_V3', 7.2, 'high'],
        ['ghsa', 'text', undefined, 'high'],
      ],
    );
    assert.deepEqual(
      lodash.affected.map((a) => [a.package, a.fixState, a.fixedIn]),
      [
        ['lodash', 'fixed', '4.17.21'],
        ['lodash-es', 'fixed', '4.17.21'],
        ['lodash.template', 'not-fixed', undefined],
      ],
    );
    assert.deepEqual(lodash.affected[2]!.ranges[0]!.events, [
      { introduced: '0' },
      { last_affected: '4.5.0' },
    ]);
  });

  it('keeps multiple ranges, GIT ranges and explicit versions', async () => {
    const urllib3 = advisories(await collect(RECORDS)).get('PYSEC-2021-108')!;
    const a = urllib3.affected[0]!;
    assert.deepEqual(
      a.ranges.map((r) => r.type),
      ['GIT', 'ECOSYSTEM', 'ECOSYSTEM'],
    );
    assert.equal(a.fixedIn, '1.26.5');
    assert.equal(a.versions.length, 13);
    assert.deepEqual(urllib3.aliases, ['CVE-2021-33503', 'GHSA-q2q7-5pp4-w6pg']);
  });

  it('handles a GHSA without CVE alias and without CVSS, with SEMVER limit', async () => {
    const r = advisories(await collect(RECORDS)).get('GHSA-9wx4-h78v-vm56')!;
    assert.deepEqual(r.aliases, []);
    assert.deepEqual(r.severities, [{ source: 'ghsa', type: 'text', level: 'medium' }]);
    assert.equal(r.affected[0]!.ranges.length, 3);
    assert.deepEqual(r.affected[0]!.ranges[2]!.events, [{ introduced: '3.0.0-beta.1' }, { limit: '3.0.0' }]);
  });

  it('marks withdrawn records', async () => {
    const r = advisories(await collect(RECORDS)).get('GHSA-rhx6-c78j-4q9w')!;
    assert.equal(r.withdrawn, '2023-01-09T05:02:48Z');
  });

  it('maps distro ecosystems to base ecosystem + release and upstream CVEs to aliases', async () => {
    const recs = advisories(await collect(RECORDS));
    const deb = recs.get('DEBIAN-CVE-2023-4911')!;
    assert.deepEqual(deb.aliases, ['CVE-2023-4911']);
    assert.deepEqual(
      deb.affected.map((a) => [a.ecosystem, a.distroRelease, a.fixState, a.fixedIn]),
      [
        ['Debian', '12', 'fixed', '2.36-9+deb12u3'],
        ['Debian', '13', 'fixed', '2.37-12'],
        ['Debian', '11', 'not-fixed', undefined],
      ],
    );
    assert.deepEqual(
      recs.get('ALPINE-CVE-2023-5678')!.affected.map((a) => a.distroRelease),
      ['v3.18', 'v3.20'],
    );
    const ubuntu = recs.get('UBUNTU-CVE-2024-6387')!;
    assert.deepEqual(
      ubuntu.affected.map((a) => a.distroRelease),
      ['22.04', 'pro:18.04'],
    );
    assert.deepEqual(
      ubuntu.severities.map((s) => [s.type, s.level, s.score]),
      [
        ['Ubuntu', 'high', undefined],
        ['CVSS_V3', 'high', 8.1],
      ],
    );
    const rocky = recs.get('RLSA-2024:4312')!;
    assert.equal(rocky.affected[0]!.ecosystem, 'Rocky Linux');
    assert.equal(rocky.affected[0]!.severity?.level, 'high');
    assert.deepEqual(rocky.aliases, []);
  });

  it('turns defects into unknown items and keeps going', async () => {
    const items = await collect(RECORDS);
    const codes = items.filter((i) => i.kind === 'unknown').map((i) => (i.kind === 'unknown' ? i.code : ''));
    assert.deepEqual(codes.sort(), ['FEED_FORMAT_INVALID', 'OSV_EVENT_INVALID', 'OSV_RECORD_INVALID']);
    const bad = advisories(items).get('GHSA-bad0-even-t000')!;
    assert.deepEqual(
      bad.affected[0]!.ranges.map((r) => r.events),
      [[{ introduced: '1.1.0' }, { fixed: '1.1.5' }]],
    );
  });

  it('streams the members of an all.zip export', async () => {
    const zip = join(tmp, 'all.zip');
    const files = readdirSync(RECORDS).sort();
    writeZip(
      zip,
      files.map((f) => ({ name: f, data: readFileSync(join(RECORDS, f)) })),
    );
    const fromZip = await collect(zip);
    const fromDir = await collect(RECORDS);
    assert.deepEqual(advisories(fromZip), advisories(fromDir));
    assert.equal(fromZip.length, fromDir.length);
  });

  it('lists one all.zip per supported ecosystem as default URLs', () => {
    const urls = osvFeed.defaultUrls();
    assert.equal(urls.length, 14);
    assert.ok(
      urls.some((u) => u.url === 'https://osv-vulnerabilities.storage.googleapis.com/Rocky%20Linux/all.zip'),
    );
    assert.ok(urls.every((u) => u.name.endsWith('/all.zip')));
  });

  it('splits ecosystem names', () => {
    assert.deepEqual(splitEcosystem('npm'), { ecosystem: 'npm', distroRelease: undefined });
    assert.deepEqual(splitEcosystem('Alpine:v3.20'), { ecosystem: 'Alpine', distroRelease: 'v3.20' });
    assert.deepEqual(splitEcosystem('Ubuntu:Pro:18.04:LTS'), {
      ecosystem: 'Ubuntu',
      distroRelease: 'pro:18.04',
    });
  });
});
