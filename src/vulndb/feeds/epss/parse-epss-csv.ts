/**
 * Parser of the FIRST EPSS daily scores (https://www.first.org/epss/data_stats), published as gzipped
 * CSV `epss_scores-YYYY-MM-DD.csv.gz`:
 *
 *     #model_version:v2025.03.14,score_date:2025-03-15T00:00:00+0000
 *     cve,epss,percentile
 *     CVE-1999-0001,0.01297,0.79213
 *
 * The score date comes from the comment line, else from the file name. Input may be gzipped or
 * already inflated (`FeedFile.open` inflates `.gz` names); the gzip magic decides. Rows are streamed
 * through csv-parse, so memory stays flat over the ~300,000 rows.
 */
import { parse } from 'csv-parse';
import type { Info } from 'csv-parse';
import { Readable } from 'node:stream';
import { createGunzip } from 'node:zlib';
import { AppError } from '../../../errors.js';
import type { EpssRecord, FeedItem } from '../../model.js';
import type { UnknownItem } from '../feed-defects.js';
import { defect, FEED_DEFECT } from '../feed-defects.js';

const CVE_ID = /^CVE-\d{4}-\d{4,}$/;
const DAY = /^\d{4}-\d{2}-\d{2}/;
const GZIP_MAGIC = [0x1f, 0x8b] as const;
/** A row is three short fields; anything longer is not EPSS data. */
const MAX_RECORD_CHARS = 4096;
const HINT =
  'point the epss source at https://epss.empiricalsecurity.com/epss_scores-current.csv.gz or a copy of it';

interface Columns {
  cve: number;
  epss: number;
  percentile: number;
}

/** The score date of an EPSS comment line (`#model_version:…,score_date:2025-03-15T00:00:00+0000`). */
export function epssScoreDate(comment: string): string | undefined {
  for (const pair of comment.replace(/^#/, '').split(',')) {
    const [key, ...rest] = pair.split(':');
    const value = rest.join(':').trim();
    if (key?.trim() === 'score_date' && DAY.test(value)) return value.slice(0, 10);
  }
  return undefined;
}

/** The date in a file name such as `epss_scores-2025-03-15.csv.gz`. */
function dateFromName(name: string): string | undefined {
  return /(\d{4}-\d{2}-\d{2})(?:\.csv)?(?:\.gz)?$/.exec(name)?.[1];
}

async function* chunks(input: AsyncIterable<Buffer | string>): AsyncGenerator<Buffer> {
  for await (const chunk of input) yield typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
}

/** The input as bytes, inflated when it starts with the gzip magic. */
async function* inflated(input: AsyncIterable<Buffer | string>): AsyncGenerator<Buffer> {
  const it = chunks(input)[Symbol.asyncIterator]();
  const first = await it.next();
  if (first.done === true) return;
  const all = async function* (): AsyncGenerator<Buffer> {
    yield first.value;
    for (let r = await it.next(); r.done !== true; r = await it.next()) yield r.value;
  };
  if (first.value[0] !== GZIP_MAGIC[0] || first.value[1] !== GZIP_MAGIC[1]) {
    yield* all();
    return;
  }
  const source = Readable.from(all());
  const gunzip = createGunzip();
  source.on('error', (err) => gunzip.destroy(err));
  for await (const chunk of source.pipe(gunzip)) yield chunk as Buffer;
}

function header(record: string[]): Columns | undefined {
  const names = record.map((f) => f.trim().toLowerCase());
  const columns = {
    cve: names.indexOf('cve'),
    epss: names.indexOf('epss'),
    percentile: names.indexOf('percentile'),
  };
  return Object.values(columns).every((i) => i >= 0) ? columns : undefined;
}

/** A number in [0, 1], else NaN (`Number('')` would read an empty field as 0). */
function probability(field: string | undefined): number {
  const text = field?.trim() ?? '';
  const value = text === '' ? Number.NaN : Number(text);
  return value >= 0 && value <= 1 ? value : Number.NaN;
}

function row(record: string[], columns: Columns, date: string, at: string): FeedItem {
  const cve = record[columns.cve]?.trim() ?? '';
  const score = probability(record[columns.epss]);
  const percentile = probability(record[columns.percentile]);
  const problems: string[] = [];
  if (!CVE_ID.test(cve)) problems.push(`cve "${cve}" is not a CVE id`);
  const fields = { epss: score, percentile } as const;
  for (const [field, value] of Object.entries(fields) as [keyof typeof fields, number][]) {
    const text = record[columns[field]] ?? '';
    if (Number.isNaN(value)) problems.push(`${field} "${text}" is not a number in [0, 1]`);
  }
  if (problems.length > 0) return defect(at, FEED_DEFECT.recordInvalid, problems.join('; '));
  const epss: EpssRecord = { cve, score, percentile, date };
  return { kind: 'epss', record: epss };
}

/**
 * Streams an EPSS scores CSV (gzipped or not) into one `epss` item per row plus `unknown` items for
 * bad rows. Throws `FEED_FORMAT_INVALID` when the header is missing, no score date is known, or the
 * CSV cannot be read.
 *
 * @example
 * for await (const item of parseEpssCsv(stream, 'epss_scores-2025-03-15.csv.gz')) …
 */
export async function* parseEpssCsv(
  input: AsyncIterable<Buffer | string>,
  name: string,
  signal?: AbortSignal,
): AsyncGenerator<FeedItem> {
  const skipped: UnknownItem[] = [];
  const parser = parse({
    relax_column_count: true,
    skip_empty_lines: true,
    trim: true,
    info: true,
    max_record_size: MAX_RECORD_CHARS,
    skip_records_with_error: true,
    on_skip: (err) => {
      const at = typeof err?.lines === 'number' ? `${name}:${err.lines}` : name;
      skipped.push(defect(at, FEED_DEFECT.recordInvalid, err?.message ?? 'unreadable row'));
      return undefined;
    },
  });
  const source = Readable.from(inflated(input));
  source.on('error', (err) => parser.destroy(err));
  source.pipe(parser);
  try {
    yield* rows(parser, name, skipped, signal);
  } catch (err) {
    throw csvFailure(err, name);
  } finally {
    source.destroy();
  }
}

async function* rows(
  parser: AsyncIterable<unknown>,
  name: string,
  skipped: UnknownItem[],
  signal: AbortSignal | undefined,
): AsyncGenerator<FeedItem> {
  let date = dateFromName(name);
  let table: { columns: Columns; date: string } | undefined;
  for await (const chunk of parser) {
    signal?.throwIfAborted();
    yield* skipped.splice(0);
    const { record, info } = chunk as { record: string[]; info: Info };
    const at = `${name}:${info.lines}`;
    if (record[0]?.startsWith('#') === true) {
      if (table === undefined) date = epssScoreDate(record.join(',')) ?? date;
      else yield defect(at, FEED_DEFECT.recordInvalid, 'comment line after the header');
    } else if (table === undefined) {
      const columns = header(record);
      if (columns === undefined) throw formatInvalid(`${at}: expected the "cve,epss,percentile" header`);
      if (date === undefined) throw formatInvalid(`${name} has no score_date comment nor a dated name`);
      table = { columns, date };
    } else yield row(record, table.columns, table.date, at);
  }
  yield* skipped.splice(0);
  if (table === undefined) throw formatInvalid(`${name} is empty: no "cve,epss,percentile" header`);
}

function formatInvalid(message: string): AppError {
  return new AppError('FEED_FORMAT_INVALID', message, { hint: HINT });
}

/** csv-parse failures that `skip_records_with_error` does not cover become `FEED_FORMAT_INVALID`. */
function csvFailure(err: unknown, name: string): unknown {
  const code = (err as { code?: unknown } | undefined)?.code;
  if (typeof code !== 'string' || !code.startsWith('CSV_')) return err;
  const lines = (err as { lines?: unknown }).lines;
  const at = typeof lines === 'number' ? `${name}:${lines}` : name;
  return new AppError('FEED_FORMAT_INVALID', `${at}: not readable as EPSS CSV (${code})`, {
    hint: HINT,
    cause: err,
  });
}
