/**
 * THE list of SBOM formats (CONVENTIONS.md §2.8 habit 1): adding one = a folder with an `index.ts`
 * exporting a {@link SbomFormat} + one line here. formats.test.ts checks the list against the folders.
 *
 * @example
 * await findSbomFormat('cyclonedx-json').encode(sbom, process.stdout);
 * const { format, sbom } = detectAndDecode(await readFile('bom.json'));
 */
import { AppError } from '../errors.js';
import { cyclonedxJson } from './cyclonedx-json/index.js';
import type { SbomFormat, SbomFormatId } from './format.js';
import { corralJson } from './json/index.js';
import type { Sbom } from './model.js';
import { spdxJson } from './spdx-json/index.js';
import { table } from './table/index.js';

export const SBOM_FORMATS: readonly SbomFormat[] = [cyclonedxJson, spdxJson, corralJson, table];

export type { EncodeOptions, SbomFormat, SbomFormatId } from './format.js';

/** The format with this id; throws `SBOM_FORMAT_UNKNOWN` listing the known ones. */
export function findSbomFormat(id: string): SbomFormat {
  const f = SBOM_FORMATS.find((x) => x.id === id);
  if (f) return f;
  throw new AppError('SBOM_FORMAT_UNKNOWN', `unknown SBOM format "${id}"`, {
    hint: `use one of: ${SBOM_FORMATS.map((x) => x.id).join(', ')}`,
  });
}

export interface DecodedSbom {
  format: SbomFormatId;
  sbom: Sbom;
}

const UTF8_BOM = '\ufeff';

function parseJson(text: string): unknown {
  const t = text.startsWith(UTF8_BOM) ? text.slice(1) : text;
  const start = t.trimStart();
  if (start.startsWith('<')) {
    throw new AppError('SBOM_UNRECOGNISED', 'the file is XML; Corral reads CycloneDX and SPDX as JSON only', {
      hint: 'convert it to JSON (cyclonedx convert --output-format json)',
    });
  }
  if (/^SPDXVersion:/m.test(start.slice(0, 4096))) {
    throw new AppError('SBOM_VERSION_UNSUPPORTED', 'SPDX tag-value is not supported; SPDX JSON is', {
      hint: 'convert it with the SPDX tools (pyspdxtools -i in.spdx -o out.spdx.json)',
    });
  }
  try {
    return JSON.parse(t);
  } catch (err) {
    throw new AppError('SBOM_UNRECOGNISED', `not an SBOM: the file is not JSON (${(err as Error).message})`, {
      hint: 'give a CycloneDX JSON, SPDX JSON or Corral JSON file',
      cause: err,
    });
  }
}

/**
 * Reads an SBOM file in any format with a decoder, recognised by its content.
 * Throws `SBOM_UNRECOGNISED`, `SBOM_INVALID` or `SBOM_VERSION_UNSUPPORTED`.
 */
export function detectAndDecode(bytes: Uint8Array | string): DecodedSbom {
  const text =
    typeof bytes === 'string'
      ? bytes
      : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('utf8');
  const doc = parseJson(text);
  for (const f of SBOM_FORMATS) {
    if (f.decoder?.detect(doc)) return { format: f.id, sbom: f.decoder.decode(doc) };
  }
  throw new AppError('SBOM_UNRECOGNISED', 'the JSON is not a CycloneDX, SPDX or Corral SBOM', {
    hint: 'CycloneDX needs "bomFormat": "CycloneDX", SPDX needs "spdxVersion"',
  });
}
