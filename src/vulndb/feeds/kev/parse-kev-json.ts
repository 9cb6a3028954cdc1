/**
 * Parser of the CISA Known Exploited Vulnerabilities catalog
 * (https://www.cisa.gov/sites/default/files/feeds/known_exploited_vulnerabilities.json, schema
 * https://www.cisa.gov/sites/default/files/feeds/known_exploited_vulnerabilities_schema.json):
 * `{ title, catalogVersion, dateReleased, count, vulnerabilities: [ { cveID, vendorProject, product,
 * vulnerabilityName, dateAdded, shortDescription, requiredAction, dueDate,
 * knownRansomwareCampaignUse: 'Known' | 'Unknown', notes, cwes } ] }`. Entries enrich CVEs (`kev`
 * items); they define no advisories.
 */
import { z } from 'zod';
import type { FeedItem, KevRecord } from '../../model.js';
import { defect, describeIssues, FEED_DEFECT, jsonLocation } from '../feed-defects.js';
import { jsonArrayItems } from '../json-stream.js';

const CVE_ID = /^CVE-\d{4}-\d{4,}$/;
const DAY = /^\d{4}-\d{2}-\d{2}$/;

const KevEntry = z.object({
  cveID: z.string().trim().regex(CVE_ID, 'not a CVE id'),
  vendorProject: z.string().optional(),
  product: z.string().optional(),
  vulnerabilityName: z.string().optional(),
  dateAdded: z.string().trim().regex(DAY, 'not a YYYY-MM-DD date'),
  requiredAction: z.string().optional(),
  dueDate: z.string().trim().regex(DAY, 'not a YYYY-MM-DD date').optional(),
  knownRansomwareCampaignUse: z.string().optional(),
});
type KevEntry = z.infer<typeof KevEntry>;

/**
 * Streams the catalog into one `kev` item per entry plus `unknown` items. Throws
 * `FEED_FORMAT_INVALID` when the input is not JSON, is truncated, or has no `vulnerabilities` array.
 *
 * @example
 * for await (const item of parseKevJson(stream, 'known_exploited_vulnerabilities.json')) …
 */
export async function* parseKevJson(
  input: AsyncIterable<Buffer | string>,
  name: string,
  signal?: AbortSignal,
): AsyncGenerator<FeedItem> {
  let index = 0;
  for await (const value of jsonArrayItems(input, 'vulnerabilities', { location: name })) {
    signal?.throwIfAborted();
    const at = jsonLocation(name, 'vulnerabilities', index++);
    const parsed = KevEntry.safeParse(value);
    if (!parsed.success) {
      yield defect(at, FEED_DEFECT.recordInvalid, describeIssues(parsed.error));
      continue;
    }
    const ransomware = parsed.data.knownRansomwareCampaignUse;
    if (ransomware !== undefined && ransomware !== 'Known' && ransomware !== 'Unknown') {
      const message = `knownRansomwareCampaignUse "${ransomware}" is neither Known nor Unknown; read as Unknown`;
      yield defect(`${at}/knownRansomwareCampaignUse`, FEED_DEFECT.valueUnsupported, message);
    }
    yield { kind: 'kev', record: toRecord(parsed.data) };
  }
}

function toRecord(entry: KevEntry): KevRecord {
  const record: KevRecord = {
    cve: entry.cveID,
    dateAdded: entry.dateAdded,
    knownRansomware: entry.knownRansomwareCampaignUse === 'Known',
  };
  if (entry.vendorProject) record.vendor = entry.vendorProject;
  if (entry.product) record.product = entry.product;
  if (entry.vulnerabilityName) record.name = entry.vulnerabilityName;
  if (entry.dueDate) record.dueDate = entry.dueDate;
  if (entry.requiredAction) record.requiredAction = entry.requiredAction;
  return record;
}
