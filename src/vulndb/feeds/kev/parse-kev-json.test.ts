import assert from 'node:assert/strict';
import { createReadStream } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { Readable } from 'node:stream';
import { describe, it } from 'node:test';
import { isAppError } from '../../../errors.js';
import type { FeedItem, KevRecord } from '../../model.js';
import { openFileSource } from '../read.js';
import { kevFeed } from './index.js';
import { parseKevJson } from './parse-kev-json.js';

const fixture = (name: string): string => new URL(`testdata/${name}`, import.meta.url).pathname;

async function collect(items: AsyncIterable<FeedItem>): Promise<FeedItem[]> {
  const out: FeedItem[] = [];
  for await (const item of items) out.push(item);
  return out;
}

function parseFixture(name: string): Promise<FeedItem[]> {
  return collect(parseKevJson(createReadStream(fixture(name), { highWaterMark: 89 }), name));
}

const kevs = (items: FeedItem[]): KevRecord[] => items.flatMap((i) => (i.kind === 'kev' ? [i.record] : []));

describe('parseKevJson', () => {
  it('reads every catalog entry as a kev item', async () => {
    const items = await parseFixture('known_exploited_vulnerabilities.json');
    assert.equal(items.filter((i) => i.kind === 'unknown').length, 0);
    const records = kevs(items);
    assert.deepEqual(
      records.map((r) => [r.cve, r.dateAdded, r.dueDate, r.knownRansomware]),
      [
        ['CVE-2025-24472', '2025-03-18', '2025-04-08', true],
        ['CVE-2024-3400', '2024-04-12', '2024-04-19', false],
        ['CVE-2023-20198', '2023-10-16', '2023-10-20', false],
        ['CVE-2021-44228', '2021-12-10', '2021-12-24', true],
      ],
    );
    assert.deepEqual(records[1], {
      cve: 'CVE-2024-3400',
      dateAdded: '2024-04-12',
      knownRansomware: false,
      vendor: 'Palo Alto Networks',
      product: 'PAN-OS',
      name: 'Palo Alto Networks PAN-OS Command Injection Vulnerability',
      dueDate: '2024-04-19',
      requiredAction:
        'Apply mitigations per vendor instructions as they become available. Otherwise, users with vulnerable products should disconnect them from the internet.',
    });
  });

  it('turns bad entries into unknowns, trims ids and reads odd ransomware values as Unknown', async () => {
    const items = await parseFixture('kev-defects.json');
    assert.deepEqual(
      items.flatMap((i) => (i.kind === 'unknown' ? [[i.location, i.code]] : [])),
      [
        ['kev-defects.json#/vulnerabilities/0', 'FEED_RECORD_INVALID'],
        ['kev-defects.json#/vulnerabilities/1', 'FEED_RECORD_INVALID'],
        ['kev-defects.json#/vulnerabilities/2/knownRansomwareCampaignUse', 'FEED_VALUE_UNSUPPORTED'],
      ],
    );
    assert.deepEqual(
      kevs(items).map((r) => [r.cve, r.knownRansomware]),
      [
        ['CVE-2024-0002', false],
        ['CVE-2024-0003', false],
      ],
    );
  });

  it('throws FEED_FORMAT_INVALID when truncated, cut anywhere, or not the catalog', async () => {
    const isFormatInvalid = (err: unknown): boolean => isAppError(err, 'FEED_FORMAT_INVALID');
    await assert.rejects(parseFixture('kev-truncated.json'), isFormatInvalid);
    await assert.rejects(
      collect(parseKevJson(Readable.from(['{"title":"x","count":0}']), 'kev.json')),
      isFormatInvalid,
    );
    const text = await readFile(fixture('known_exploited_vulnerabilities.json'), 'utf8');
    for (let cut = 0; cut <= text.lastIndexOf('}'); cut += 97) {
      await collect(parseKevJson(Readable.from([text.slice(0, cut)]), 'cut.json')).then(
        () => assert.fail(`cut at ${cut} was accepted`),
        (err: unknown) => assert.ok(isFormatInvalid(err), `cut at ${cut}: ${String(err)}`),
      );
    }
  });
});

describe('kevFeed', () => {
  it('reads the catalog through a FeedSource and names its upstream URL', async () => {
    const src = await openFileSource(fixture('known_exploited_vulnerabilities.json'));
    const items = await collect(kevFeed.records(src, new AbortController().signal));
    assert.equal(kevs(items).length, 4);
    assert.deepEqual(
      kevFeed.defaultUrls().map((u) => u.url),
      ['https://www.cisa.gov/sites/default/files/feeds/known_exploited_vulnerabilities.json'],
    );
  });
});
