import assert from 'node:assert/strict';
import { createReadStream } from 'node:fs';
import { Readable } from 'node:stream';
import { describe, it } from 'node:test';
import { isAppError } from '../../../errors.js';
import type { EpssRecord, FeedItem } from '../../model.js';
import { openFileSource } from '../read.js';
import { epssFeed } from './index.js';
import { epssScoreDate, parseEpssCsv } from './parse-epss-csv.js';

const fixture = (name: string): string => new URL(`testdata/${name}`, import.meta.url).pathname;
const signal = new AbortController().signal;
const isFormatInvalid = (err: unknown): boolean => isAppError(err, 'FEED_FORMAT_INVALID');

async function collect(items: AsyncIterable<FeedItem>): Promise<FeedItem[]> {
  const out: FeedItem[] = [];
  for await (const item of items) out.push(item);
  return out;
}

function parseFixture(name: string): Promise<FeedItem[]> {
  return collect(parseEpssCsv(createReadStream(fixture(name), { highWaterMark: 23 }), name));
}

const scores = (items: FeedItem[]): EpssRecord[] =>
  items.flatMap((i) => (i.kind === 'epss' ? [i.record] : []));

describe('parseEpssCsv', () => {
  it('reads a gzipped scores file with the date of its comment line', async () => {
    const items = await parseFixture('epss_scores-2025-03-15.csv.gz');
    assert.equal(items.filter((i) => i.kind === 'unknown').length, 0);
    const records = scores(items);
    assert.equal(records.length, 8);
    assert.deepEqual(records[0], {
      cve: 'CVE-1999-0001',
      score: 0.01297,
      percentile: 0.79213,
      date: '2025-03-15',
    });
    assert.deepEqual(records.at(-1), {
      cve: 'CVE-2025-24472',
      score: 0.01836,
      percentile: 0.82573,
      date: '2025-03-15',
    });
  });

  it('reads an inflated file without comment line, dated by its name', async () => {
    const records = scores(await parseFixture('epss_scores-2022-02-04.csv'));
    assert.deepEqual(
      records.map((r) => [r.cve, r.score, r.percentile, r.date]),
      [
        ['CVE-2021-44228', 0.97565, 1, '2022-02-04'],
        ['CVE-2022-0001', 0.00123, 0.45, '2022-02-04'],
      ],
    );
  });

  it('turns bad rows into unknowns with their line and keeps the rest', async () => {
    const items = await parseFixture('epss-defects.csv');
    assert.deepEqual(
      items.flatMap((i) => (i.kind === 'unknown' ? [[i.location, i.code]] : [])),
      [
        ['epss-defects.csv:4', 'FEED_RECORD_INVALID'],
        ['epss-defects.csv:5', 'FEED_RECORD_INVALID'],
        ['epss-defects.csv:6', 'FEED_RECORD_INVALID'],
        ['epss-defects.csv:7', 'FEED_RECORD_INVALID'],
        ['epss-defects.csv:9', 'FEED_RECORD_INVALID'],
        ['epss-defects.csv:11', 'FEED_RECORD_INVALID'],
      ],
    );
    assert.deepEqual(
      scores(items).map((r) => r.cve),
      ['CVE-2024-0001', 'CVE-2024-0006'],
    );
  });

  it('throws FEED_FORMAT_INVALID without a header, without a date, or on empty input', async () => {
    await assert.rejects(parseFixture('epss-no-header.csv'), isFormatInvalid);
    await assert.rejects(
      collect(parseEpssCsv(Readable.from(['cve,epss,percentile\nCVE-2024-0001,0.1,0.2\n']), 'scores.csv')),
      isFormatInvalid,
    );
    await assert.rejects(
      collect(parseEpssCsv(Readable.from([]), 'epss_scores-2025-03-15.csv')),
      isFormatInvalid,
    );
  });

  it('reads the score date of a comment line', () => {
    assert.equal(
      epssScoreDate('#model_version:v2025.03.14,score_date:2025-03-15T00:00:00+0000'),
      '2025-03-15',
    );
    assert.equal(
      epssScoreDate('#score_date:2022-02-04T00:00:00+0000,model_version:v2022.01.01'),
      '2022-02-04',
    );
    assert.equal(epssScoreDate('#model_version:v2025.03.14'), undefined);
  });
});

describe('epssFeed', () => {
  it('reads a .csv.gz file through a FeedSource', async () => {
    const items = await collect(
      epssFeed.records(await openFileSource(fixture('epss_scores-2025-03-15.csv.gz')), signal),
    );
    assert.equal(scores(items).length, 8);
  });

  it('reports a cut-off gzip file as FEED_TRUNCATED', async () => {
    const src = await openFileSource(fixture('epss_scores-2025-03-16-truncated.csv.gz'));
    await assert.rejects(collect(epssFeed.records(src, signal)), (err) => isAppError(err, 'FEED_TRUNCATED'));
  });

  it('downloads the current scores', () => {
    assert.deepEqual(
      epssFeed.defaultUrls().map((u) => u.url),
      ['https://epss.empiricalsecurity.com/epss_scores-current.csv.gz'],
    );
  });
});
