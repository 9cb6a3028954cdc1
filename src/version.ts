/**
 * Corral's name and version, read once from package.json (the one place the version is written).
 * src/version.ts and dist/version.js both sit one level below the package root.
 */
import { readFileSync } from 'node:fs';

const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as {
  name: string;
  version: string;
};

export const CORRAL_NAME = 'corral';
export const CORRAL_VERSION: string = pkg.version;
