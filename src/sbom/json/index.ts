import type { SbomFormat } from '../format.js';
import { decodeCorralJson, isCorralJson } from './decode.js';
import { encodeCorralJson } from './encode.js';

/** Corral's own JSON: the Sbom model as is (README.md next to this file). */
export const corralJson = {
  id: 'json',
  description: 'Corral SBOM JSON (the Sbom model)',
  mediaType: 'application/vnd.corral.sbom+json',
  encode: (sbom, out) => encodeCorralJson(sbom, out),
  decoder: { detect: isCorralJson, decode: decodeCorralJson },
} satisfies SbomFormat;
