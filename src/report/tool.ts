/**
 * How reports name the tool that produced them (SARIF `tool.driver`, GitLab `scan.scanner`, CycloneDX
 * `metadata.tools`). The version comes from package.json (src/version.ts).
 */
import { CORRAL_VERSION } from '../version.js';

export const CORRAL_TOOL = {
  name: 'corral',
  displayName: 'Corral',
  version: CORRAL_VERSION,
  /** The project page reports link to (the same one vulndb's User-Agent names). */
  informationUri: 'https://github.com/corral',
} as const;
