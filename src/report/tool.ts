/**
 * How reports name the tool that produced them (SARIF `tool.driver`, GitLab `scan.scanner`, CycloneDX
 * `metadata.tools`). The version must equal package.json's; registry.test.ts checks it.
 */
export const CORRAL_TOOL = {
  name: 'corral',
  displayName: 'Corral',
  version: '0.1.0',
  /** The project page reports link to (the same one vulndb's User-Agent names). */
  informationUri: 'https://github.com/corral',
} as const;
