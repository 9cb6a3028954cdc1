import assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import { describe, it } from 'node:test';
import { isAppError } from '../../../errors.js';
import type { FeedFile, FeedUrl, IncrementalContext } from '../feed.js';
import { nvdApiUrl, nvdFeedUrls, nvdWindows, pageStarts, planNvdIncremental } from './api.js';

const day = (iso: string): Date => new Date(`${iso}T00:00:00.000Z`);

/** A context whose `fetch` answers every probe with `totalResults` and records the URLs asked for. */
function context(
  since: string,
  now: string,
  answer: (url: string) => string,
): IncrementalContext & { asked: string[] } {
  const asked: string[] = [];
  const mirrored = nvdFeedUrls(2024).map((u) => ({
    ...u,
    url: u.url.replace('https://nvd.nist.gov/feeds', 'https://mirror.example/nvd'),
  }));
  return {
    since,
    now,
    urls: mirrored,
    signal: new AbortController().signal,
    asked,
    fetch: (url: FeedUrl): Promise<FeedFile> => {
      asked.push(url.url);
      const body = answer(url.url);
      return Promise.resolve({
        name: url.name,
        size: body.length,
        open: () => Promise.resolve(Readable.from([Buffer.from(body)])),
      });
    },
  };
}

const page = (total: number): string =>
  JSON.stringify({ resultsPerPage: 1, startIndex: 0, totalResults: total, vulnerabilities: [] });

describe('nvd api urls', () => {
  it('splits a range into windows of at most 120 days', () => {
    const windows = nvdWindows(day('2024-01-01'), day('2024-06-01'));
    assert.deepEqual(
      windows.map((w) => [w.start.toISOString(), w.end.toISOString()]),
      [
        ['2024-01-01T00:00:00.000Z', '2024-04-30T00:00:00.000Z'],
        ['2024-04-30T00:00:00.000Z', '2024-06-01T00:00:00.000Z'],
      ],
    );
    assert.deepEqual(nvdWindows(day('2024-01-01'), day('2024-01-01')), []);
  });

  it('builds the lastMod API URL with an escaped + offset', () => {
    assert.equal(
      nvdApiUrl({ start: day('2024-01-01'), end: day('2024-04-30') }, 2000),
      'https://services.nvd.nist.gov/rest/json/cves/2.0?lastModStartDate=2024-01-01T00:00:00.000%2B00:00' +
        '&lastModEndDate=2024-04-30T00:00:00.000%2B00:00&resultsPerPage=2000&startIndex=2000',
    );
  });

  it('pages with a small overlap', () => {
    const cases: [number, number[]][] = [
      [0, []],
      [1, [0]],
      [2000, [0]],
      [2001, [0, 1900]],
      [3900, [0, 1900]],
      [3901, [0, 1900, 3800]],
    ];
    for (const [total, starts] of cases) assert.deepEqual(pageStarts(total), starts, String(total));
  });
});

describe('planNvdIncremental', () => {
  it('asks for nothing when no time has passed', async () => {
    assert.deepEqual(
      await planNvdIncremental(context('2024-06-01T00:00:00Z', '2024-06-01T00:00:00Z', () => '')),
      [],
    );
  });

  it('uses the modified feed next to the (mirrored) yearly feeds for gaps up to a week', async () => {
    const ctx = context('2024-06-01T00:00:00Z', '2024-06-04T00:00:00Z', () =>
      assert.fail('no probe expected'),
    );
    const urls = await planNvdIncremental(ctx);
    assert.deepEqual(
      urls?.map((u) => [u.name, u.url]),
      [
        [
          'nvdcve-2.0-modified.json.gz',
          'https://mirror.example/nvd/json/cve/2.0/nvdcve-2.0-modified.json.gz',
        ],
      ],
    );
  });

  it('probes each 120-day window and pages through its results', async () => {
    const ctx = context('2024-01-01T00:00:00Z', '2024-06-01T00:00:00Z', (url) =>
      page(url.includes('lastModStartDate=2024-01-01') ? 4100 : 10),
    );
    const urls = (await planNvdIncremental(ctx)) ?? [];
    assert.equal(ctx.asked.length, 2);
    assert.ok(ctx.asked.every((u) => u.includes('resultsPerPage=1&startIndex=0')));
    assert.deepEqual(
      urls.map((u) => /startIndex=(\d+)/.exec(u.url)?.[1]),
      ['0', '1900', '3800', '0'],
    );
    assert.ok(urls.every((u) => u.minIntervalMs === 6000 && u.url.includes('resultsPerPage=2000')));
    assert.equal(new Set(urls.map((u) => u.name)).size, urls.length, 'names are unique');
  });

  it('falls back to a full download after a year, or when the dates are unreadable', async () => {
    assert.equal(
      await planNvdIncremental(context('2023-01-01T00:00:00Z', '2024-06-01T00:00:00Z', () => '')),
      undefined,
    );
    assert.equal(await planNvdIncremental(context('yesterday', '2024-06-01T00:00:00Z', () => '')), undefined);
  });

  it('rejects a probe answer that is not an API page', async () => {
    const ctx = context('2024-05-01T00:00:00Z', '2024-06-01T00:00:00Z', () =>
      JSON.stringify({ message: 'rate limited' }),
    );
    await assert.rejects(planNvdIncremental(ctx), (err) => isAppError(err, 'FEED_FORMAT_INVALID'));
  });
});
