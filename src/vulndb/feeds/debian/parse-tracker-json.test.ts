import assert from 'node:assert/strict';
import { createReadStream } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { Readable } from 'node:stream';
import { describe, it } from 'node:test';
import { isAppError } from '../../../errors.js';
import type { AdvisoryRecord, Affected, FeedItem } from '../../model.js';
import { openFileSource } from '../read.js';
import { debianFeed } from './index.js';
import { parseDebianTracker } from './parse-tracker-json.js';

const fixture = (name: string): string => new URL(`testdata/${name}`, import.meta.url).pathname;

async function collect(items: AsyncIterable<FeedItem>): Promise<FeedItem[]> {
  const out: FeedItem[] = [];
  for await (const item of items) out.push(item);
  return out;
}

/** Parses a fixture in small chunks, so tokens straddle chunk boundaries. */
function parseFixture(name: string): Promise<FeedItem[]> {
  return collect(parseDebianTracker(createReadStream(fixture(name), { highWaterMark: 61 }), name));
}

function advisories(items: FeedItem[]): Map<string, AdvisoryRecord> {
  return new Map(items.flatMap((i) => (i.kind === 'advisory' ? [[i.record.id, i.record] as const] : [])));
}

function row(record: AdvisoryRecord | undefined, release: string): Affected | undefined {
  return record?.affected.find((a) => a.distroRelease === release);
}

const isFormatInvalid = (err: unknown): boolean => isAppError(err, 'FEED_FORMAT_INVALID');

describe('parseDebianTracker', () => {
  it('reads one advisory per (source package, issue) with the issue id as alias', async () => {
    const items = await parseFixture('tracker.json');
    assert.deepEqual(
      items.filter((i) => i.kind === 'unknown'),
      [],
    );
    const byId = advisories(items);
    assert.deepEqual([...byId.keys()].sort(), [
      'DEBIAN-CVE-2007-2383/prototypejs',
      'DEBIAN-CVE-2008-7220/prototypejs',
      'DEBIAN-CVE-2010-4756/glibc',
      'DEBIAN-CVE-2022-0358/chromium-browser',
      'DEBIAN-CVE-2022-0456/chromium',
      'DEBIAN-CVE-2023-45853/zlib',
      'DEBIAN-CVE-2023-6277/tiff',
      'DEBIAN-CVE-2024-0727/openssl',
      'DEBIAN-TEMP-0000000-11D6E3/openssl',
    ]);
    const openssl = byId.get('DEBIAN-CVE-2024-0727/openssl');
    assert.deepEqual(openssl?.aliases, ['CVE-2024-0727']);
    assert.equal(openssl?.source, 'debian');
    assert.match(openssl?.details ?? '', /^Issue summary: Processing a maliciously formatted PKCS12/);
    assert.deepEqual(openssl?.references, [
      { type: 'ADVISORY', url: 'https://security-tracker.debian.org/tracker/CVE-2024-0727' },
      { type: 'REPORT', url: 'https://bugs.debian.org/1061582' },
    ]);
  });

  it('maps resolved → fixed with the fixed version as an ECOSYSTEM range', async () => {
    const byId = advisories(await parseFixture('tracker.json'));
    assert.deepEqual(row(byId.get('DEBIAN-CVE-2024-0727/openssl'), 'bookworm'), {
      ecosystem: 'Debian',
      distroRelease: 'bookworm',
      package: 'openssl',
      ranges: [{ type: 'ECOSYSTEM', events: [{ introduced: '0' }, { fixed: '3.0.13-1~deb12u1' }] }],
      versions: [],
      fixState: 'fixed',
      fixedIn: '3.0.13-1~deb12u1',
    });
    assert.equal(row(byId.get('DEBIAN-CVE-2023-45853/zlib'), 'sid')?.fixedIn, '1:1.3.dfsg-3');
  });

  it('maps resolved with fixed_version 0 → not-affected with no range', async () => {
    const r = row(
      advisories(await parseFixture('tracker.json')).get('DEBIAN-CVE-2007-2383/prototypejs'),
      'bookworm',
    );
    assert.equal(r?.fixState, 'not-affected');
    assert.deepEqual(r?.ranges, []);
    assert.equal(r?.fixedIn, undefined);
  });

  it('maps open → not-fixed, open + nodsa → wont-fix with the reason, end-of-life urgency → end-of-life', async () => {
    const byId = advisories(await parseFixture('tracker.json'));
    const allVersions = [{ type: 'ECOSYSTEM', events: [{ introduced: '0' }] }];
    const glibc = row(byId.get('DEBIAN-CVE-2010-4756/glibc'), 'bookworm');
    assert.equal(glibc?.fixState, 'not-fixed');
    assert.deepEqual(glibc?.ranges, allVersions);
    const cases: [string, string, string, string][] = [
      ['DEBIAN-CVE-2024-0727/openssl', 'bullseye', 'wont-fix', 'no-dsa: Minor issue'],
      ['DEBIAN-CVE-2023-6277/tiff', 'bookworm', 'wont-fix', 'postponed: Minor issue'],
      [
        'DEBIAN-CVE-2023-45853/zlib',
        'bookworm',
        'wont-fix',
        'ignored: contrib/minizip not built and src:zlib not producing binary packages',
      ],
      ['DEBIAN-CVE-2022-0456/chromium', 'buster', 'end-of-life', 'end-of-life'],
      ['DEBIAN-TEMP-0000000-11D6E3/openssl', 'bookworm', 'unknown', 'undetermined'],
    ];
    for (const [id, release, fixState, note] of cases) {
      const r = row(byId.get(id), release);
      assert.equal(r?.fixState, fixState, `${id} ${release}`);
      assert.equal(r?.note, note, `${id} ${release}`);
      assert.deepEqual(r?.ranges, allVersions, `${id} ${release}`);
    }
  });

  it('maps urgency to a distro severity (unimportant → negligible, high** → high, unassigned → none)', async () => {
    const byId = advisories(await parseFixture('tracker.json'));
    const level = (id: string, release: string): string | undefined =>
      row(byId.get(id), release)?.severity?.level;
    assert.equal(level('DEBIAN-CVE-2010-4756/glibc', 'bookworm'), 'negligible');
    assert.equal(level('DEBIAN-CVE-2007-2383/prototypejs', 'bookworm'), 'negligible');
    assert.equal(level('DEBIAN-CVE-2008-7220/prototypejs', 'bookworm'), 'high');
    assert.equal(level('DEBIAN-CVE-2023-6277/tiff', 'trixie'), 'low');
    assert.equal(level('DEBIAN-CVE-2022-0456/chromium', 'bookworm'), undefined);
    assert.equal(level('DEBIAN-CVE-2022-0456/chromium', 'buster'), undefined);
    assert.deepEqual(row(byId.get('DEBIAN-CVE-2023-6277/tiff'), 'trixie')?.severity, {
      source: 'debian',
      type: 'distro',
      level: 'low',
    });
  });

  it('keeps an issue whose releases are exported as [] (no affected rows)', async () => {
    const r = advisories(await parseFixture('tracker.json')).get('DEBIAN-CVE-2022-0358/chromium-browser');
    assert.deepEqual(r?.affected, []);
  });

  it('turns bad packages, issues and releases into unknowns and keeps the rest', async () => {
    const items = await parseFixture('tracker-defects.json');
    const unknowns = items.flatMap((i) => (i.kind === 'unknown' ? [[i.location, i.code]] : []));
    assert.deepEqual(unknowns, [
      ['tracker-defects.json#/bash/CVE-2024-0001/releases/bookworm', 'FEED_VALUE_UNSUPPORTED'],
      ['tracker-defects.json#/bash/CVE-2024-0001/releases/trixie', 'FEED_RECORD_INVALID'],
      ['tracker-defects.json#/bash/CVE-2024-0001/releases/sid', 'FEED_RECORD_INVALID'],
      ['tracker-defects.json#/bash/DSA-5000-1', 'FEED_VALUE_UNSUPPORTED'],
      ['tracker-defects.json#/bash/CVE-2024-0002', 'FEED_RECORD_INVALID'],
      ['tracker-defects.json#/broken-package', 'FEED_RECORD_INVALID'],
    ]);
    const byId = advisories(items);
    assert.deepEqual(
      byId.get('DEBIAN-CVE-2024-0001/bash')?.affected.map((a) => [a.distroRelease, a.fixState]),
      [['forky', 'not-fixed']],
    );
    assert.equal(row(byId.get('DEBIAN-CVE-2024-0004/coreutils'), 'bookworm')?.severity?.level, 'unknown');
  });

  it('throws FEED_FORMAT_INVALID on a truncated file, a top-level array and an HTML error page', async () => {
    for (const name of ['tracker-truncated.json', 'tracker-array.json', 'tracker-error-page.html']) {
      await assert.rejects(parseFixture(name), isFormatInvalid, name);
    }
  });

  it('streams: yields the first packages after reading a few chunks of an endless input', async () => {
    let pulled = 0;
    async function* endless(): AsyncGenerator<string> {
      yield '{';
      for (let i = 0; ; i++) {
        if (++pulled > 1000) throw new Error('the parser buffers its input');
        const issue = `{"CVE-2024-${String(i).padStart(4, '0')}": {"releases": {"bookworm": {"status": "open"}}}}`;
        yield `${i === 0 ? '' : ','}"pkg${i}": ${issue}`;
      }
    }
    const seen: FeedItem[] = [];
    for await (const item of parseDebianTracker(endless(), 'endless.json')) {
      seen.push(item);
      if (seen.length === 3) break;
    }
    assert.equal(seen.length, 3);
    assert.ok(pulled < 10, `pulled ${pulled} chunks`);
  });

  it('never fails with anything but an AppError, wherever the file is cut', async () => {
    const text = await readFile(fixture('tracker.json'), 'utf8');
    for (let cut = 0; cut <= text.lastIndexOf('}'); cut += 37) {
      const chunks = Readable.from([text.slice(0, cut)]);
      await collect(parseDebianTracker(chunks, 'cut.json')).then(
        () => assert.fail(`cut at ${cut} was accepted`),
        (err: unknown) => assert.ok(isFormatInvalid(err), `cut at ${cut}: ${String(err)}`),
      );
    }
  });
});

describe('debianFeed', () => {
  it('reads a tracker file through a FeedSource', async () => {
    const items = await collect(
      debianFeed.records(await openFileSource(fixture('tracker.json')), new AbortController().signal),
    );
    assert.equal(items.filter((i) => i.kind === 'advisory').length, 9);
  });

  it('names the file and position of a truncated tracker file', async () => {
    const src = await openFileSource(fixture('tracker-truncated.json'));
    await assert.rejects(collect(debianFeed.records(src, new AbortController().signal)), (err: unknown) => {
      assert.ok(isFormatInvalid(err));
      assert.match((err as Error).message, /tracker-truncated\.json.*after 2500 bytes/);
      return true;
    });
  });

  it('reports files that are not tracker JSON as FEED_FILE_IGNORED', async () => {
    const src = await openFileSource(fixture('tracker-error-page.html'));
    const items = await collect(debianFeed.records(src, new AbortController().signal));
    assert.deepEqual(
      items.map((i) => (i.kind === 'unknown' ? i.code : i.kind)),
      ['FEED_FILE_IGNORED'],
    );
  });

  it('downloads the tracker JSON from its upstream URL', () => {
    assert.deepEqual(
      debianFeed.defaultUrls().map((u) => [u.name, u.url]),
      [['tracker.json', 'https://security-tracker.debian.org/tracker/data/json']],
    );
  });
});
