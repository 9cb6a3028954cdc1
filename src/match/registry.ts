/**
 * THE list of matchers (CONVENTIONS.md §2.8 habit 1): adding one = a folder (or file) exporting a
 * {@link Matcher} + one line here. `registry.test.ts` checks ids are unique and the folders are listed.
 */
import { apkDistro } from './apk/index.js';
import { cpeBinary } from './cpe/index.js';
import { dpkgDistro } from './dpkg/index.js';
import { osvEcosystem } from './ecosystem.js';
import type { Matcher } from './matcher.js';
import { rpmDistro } from './rpm/index.js';

export const MATCHERS: readonly Matcher[] = [dpkgDistro, apkDistro, rpmDistro, osvEcosystem, cpeBinary];
