import assert from 'node:assert/strict';
import { createReadStream } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { Readable } from 'node:stream';
import { describe, it } from 'node:test';
import { isAppError } from '../../../errors.js';
import type { AdvisoryRecord, FeedItem } from '../../model.js';
import { openFileSource } from '../read.js';
import { alpineFeed } from './index.js';
import { parseAlpineSecdb, parseSecfixLine } from './parse-secdb.js';
import type { SecfixLine } from './parse-secdb.js';
import { alpineReleaseFromName, normalAlpineRelease } from './releases.js';

const fixture = (name: string): string => new URL(`testdata/${name}`, import.meta.url).pathname;
const isFormatInvalid = (err: unknown): boolean => isAppError(err, 'FEED_FORMAT_INVALID');

async function collect(items: AsyncIterable<FeedItem>): Promise<FeedItem[]> {
  const out: FeedItem[] = [];
  for await (const item of items) out.push(item);
  return out;
}

function parseFixture(path: string, name = path): Promise<FeedItem[]> {
  return collect(parseAlpineSecdb(createReadStream(fixture(path), { highWaterMark: 53 }), name));
}

function advisories(items: FeedItem[]): Map<string, AdvisoryRecord> {
  return new Map(items.flatMap((i) => (i.kind === 'advisory' ? [[i.record.id, i.record] as const] : [])));
}

// Line shapes seen in secdb files: several ids per line (xen CVE + XSA, two CVEs), trailing text.
const LINES: [string, SecfixLine | undefined][] = [
  ['CVE-2024-6119', { cves: ['CVE-2024-6119'], others: [], text: '' }],
  ['CVE-2024-31142 XSA-455', { cves: ['CVE-2024-31142'], others: ['XSA-455'], text: '' }],
  ['CVE-2022-1292 CVE-2022-2068', { cves: ['CVE-2022-1292', 'CVE-2022-2068'], others: [], text: '' }],
  ['XSA-433', { cves: [], others: ['XSA-433'], text: '' }],
  [
    '  CVE-2021-24031 (zstd file permissions)',
    { cves: ['CVE-2021-24031'], others: [], text: '(zstd file permissions)' },
  ],
  ['cve-2020-0003', { cves: ['CVE-2020-0003'], others: [], text: '' }],
  ['(CVE-2019-1010022)', { cves: ['CVE-2019-1010022'], others: [], text: '' }],
  ['CVE-2018-1000156, CVE-2018-6951', { cves: ['CVE-2018-1000156', 'CVE-2018-6951'], others: [], text: '' }],
  ['GHSA-9wx4-h78v-vm56', { cves: [], others: ['GHSA-9wx4-h78v-vm56'], text: '' }],
  ['no advisory id here', undefined],
  ['', undefined],
];

describe('parseSecfixLine', () => {
  for (const [line, want] of LINES)
    it(JSON.stringify(line), () => assert.deepEqual(parseSecfixLine(line), want));
});

describe('alpine releases', () => {
  it('reads the release from file names and distroversion values', () => {
    assert.equal(alpineReleaseFromName('v3.20/main.json'), 'v3.20');
    assert.equal(alpineReleaseFromName('edge/community.json'), 'edge');
    assert.equal(alpineReleaseFromName('mirror/alpine-v3.19-main.json'), 'v3.19');
    assert.equal(alpineReleaseFromName('main.json'), undefined);
    assert.equal(alpineReleaseFromName('v3.200x/main.json'), undefined);
    assert.equal(normalAlpineRelease('v3.20'), 'v3.20');
    assert.equal(normalAlpineRelease('3.18'), 'v3.18');
    assert.equal(normalAlpineRelease('Edge'), 'edge');
    assert.equal(normalAlpineRelease('latest-stable'), undefined);
  });
});

describe('parseAlpineSecdb', () => {
  it('reads one advisory per id, package and release, with the ids of the line as aliases', async () => {
    const items = await parseFixture('secdb/v3.20/main.json');
    assert.equal(items.filter((i) => i.kind === 'unknown').length, 0);
    const byId = advisories(items);
    assert.equal(byId.size, 19);
    assert.deepEqual(byId.get('ALPINE-CVE-2024-6119/v3.20/openssl'), {
      id: 'ALPINE-CVE-2024-6119/v3.20/openssl',
      source: 'alpine',
      aliases: ['CVE-2024-6119'],
      references: [{ type: 'ADVISORY', url: 'https://security.alpinelinux.org/vuln/CVE-2024-6119' }],
      cwes: [],
      severities: [],
      affected: [
        {
          ecosystem: 'Alpine',
          distroRelease: 'v3.20',
          package: 'openssl',
          ranges: [{ type: 'ECOSYSTEM', events: [{ introduced: '0' }, { fixed: '3.3.2-r0' }] }],
          versions: [],
          fixState: 'fixed',
          fixedIn: '3.3.2-r0',
        },
      ],
    });
    assert.deepEqual(byId.get('ALPINE-CVE-2024-31142/v3.20/xen')?.aliases, ['CVE-2024-31142', 'XSA-455']);
    assert.deepEqual(byId.get('ALPINE-XSA-433/v3.20/xen')?.aliases, ['XSA-433']);
    assert.deepEqual(byId.get('ALPINE-XSA-433/v3.20/xen')?.references, []);
    assert.equal(byId.get('ALPINE-CVE-2021-24031/v3.20/zstd')?.affected[0]?.note, '(zstd file permissions)');
    for (const id of ['CVE-2023-42363', 'CVE-2023-42364', 'CVE-2023-42365']) {
      assert.equal(byId.get(`ALPINE-${id}/v3.20/busybox`)?.affected[0]?.fixedIn, '1.36.1-r27');
    }
  });

  it('maps fixed version 0 to not-affected, for each CVE of a multi-CVE line', async () => {
    const byId = advisories(await parseFixture('secdb/v3.20/main.json'));
    for (const id of ['CVE-2022-1292', 'CVE-2022-2068']) {
      const row = byId.get(`ALPINE-${id}/v3.20/openssl`)?.affected[0];
      assert.equal(row?.fixState, 'not-affected', id);
      assert.deepEqual(row?.ranges, [], id);
      assert.equal(row?.fixedIn, undefined, id);
    }
  });

  it('turns bad packages, versions and lines into unknowns and keeps the rest', async () => {
    const items = await parseFixture('secdb-defects.json');
    const unknowns = items.flatMap((i) => (i.kind === 'unknown' ? [[i.location, i.code]] : []));
    assert.deepEqual(unknowns, [
      ['secdb-defects.json#/packages/0', 'FEED_RECORD_INVALID'],
      ['secdb-defects.json#/packages/1', 'FEED_RECORD_INVALID'],
      ['secdb-defects.json#/packages/2/pkg/secfixes/1.0-r0', 'FEED_RECORD_INVALID'],
      ['secdb-defects.json#/packages/2/pkg/secfixes/bad version!', 'FEED_VALUE_UNSUPPORTED'],
      ['secdb-defects.json#/packages/2/pkg/secfixes/1.1-r0/0', 'FEED_VALUE_UNSUPPORTED'],
      ['secdb-defects.json#/packages/2/pkg/secfixes/1.1-r0/1', 'FEED_RECORD_INVALID'],
    ]);
    assert.deepEqual([...advisories(items).keys()], ['ALPINE-CVE-2020-0003/v3.19/foo']);
  });

  it('takes the release from the file name when distroversion is missing', async () => {
    const byId = advisories(await parseFixture('secdb-no-release.json', 'v3.18/main.json'));
    assert.equal(byId.get('ALPINE-CVE-2022-37434/v3.18/zlib')?.affected[0]?.distroRelease, 'v3.18');
  });

  it('throws FEED_FORMAT_INVALID without a release, on truncation, and without packages', async () => {
    await assert.rejects(parseFixture('secdb-no-release.json', 'main.json'), isFormatInvalid);
    await assert.rejects(parseFixture('secdb-truncated.json'), isFormatInvalid);
    await assert.rejects(
      collect(parseAlpineSecdb(Readable.from(['{"distroversion":"v3.20"}']), 'v3.20/main.json')),
      isFormatInvalid,
    );
    await assert.rejects(
      collect(parseAlpineSecdb(Readable.from(['[]']), 'v3.20/main.json')),
      isFormatInvalid,
    );
  });

  it('never fails with anything but an AppError, wherever the file is cut', async () => {
    const text = await readFile(fixture('secdb/v3.20/main.json'), 'utf8');
    for (let cut = 0; cut <= text.lastIndexOf('}'); cut += 29) {
      await collect(parseAlpineSecdb(Readable.from([text.slice(0, cut)]), 'v3.20/main.json')).then(
        () => assert.fail(`cut at ${cut} was accepted`),
        (err: unknown) => assert.ok(isFormatInvalid(err), `cut at ${cut}: ${String(err)}`),
      );
    }
  });
});

describe('alpineFeed', () => {
  it('reads a directory of release/repo files', async () => {
    const src = await openFileSource(fixture('secdb'));
    const items = await collect(alpineFeed.records(src, new AbortController().signal));
    assert.equal(items.filter((i) => i.kind === 'unknown').length, 0);
    const byId = advisories(items);
    assert.equal(byId.size, 3 + 5 + 19);
    assert.equal(byId.get('ALPINE-CVE-2024-6119/edge/openssl')?.affected[0]?.distroRelease, 'edge');
    assert.equal(byId.get('ALPINE-CVE-2024-35195/v3.20/py3-requests')?.affected[0]?.fixedIn, '2.32.0-r0');
  });

  it('downloads main and community of every listed release', () => {
    const urls = alpineFeed.defaultUrls();
    assert.equal(new Set(urls.map((u) => u.name)).size, urls.length);
    assert.ok(
      urls.some(
        (u) => u.name === 'v3.20/main.json' && u.url === 'https://secdb.alpinelinux.org/v3.20/main.json',
      ),
    );
    assert.ok(urls.some((u) => u.name === 'edge/community.json'));
  });
});
