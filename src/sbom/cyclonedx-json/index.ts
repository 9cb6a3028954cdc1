import type { SbomFormat } from '../format.js';
import { decodeCycloneDx, isCycloneDx } from './decode.js';
import { encodeCycloneDx } from './encode.js';

/** CycloneDX 1.6 JSON out; CycloneDX 1.2–1.6 JSON in. */
export const cyclonedxJson = {
  id: 'cyclonedx-json',
  description: 'CycloneDX 1.6 JSON',
  mediaType: 'application/vnd.cyclonedx+json',
  encode: (sbom, out) => encodeCycloneDx(sbom, out),
  decoder: { detect: isCycloneDx, decode: decodeCycloneDx },
} satisfies SbomFormat;
