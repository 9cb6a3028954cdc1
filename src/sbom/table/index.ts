import type { SbomFormat } from '../format.js';
import { encodeTable } from './encode.js';

/** Human-readable table (output only). */
export const table = {
  id: 'table',
  description: 'table of TYPE NAME VERSION LAYER (--layers: grouped by layer)',
  mediaType: 'text/plain',
  encode: (sbom, out, opts) => encodeTable(sbom, out, opts),
} satisfies SbomFormat;
