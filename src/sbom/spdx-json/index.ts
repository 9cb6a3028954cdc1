import type { SbomFormat } from '../format.js';
import { decodeSpdx, isSpdx } from './decode.js';
import { encodeSpdx } from './encode.js';

/** SPDX 2.3 JSON out; SPDX 2.x JSON in. */
export const spdxJson = {
  id: 'spdx-json',
  description: 'SPDX 2.3 JSON',
  mediaType: 'application/spdx+json',
  encode: (sbom, out) => encodeSpdx(sbom, out),
  decoder: { detect: isSpdx, decode: decodeSpdx },
} satisfies SbomFormat;
