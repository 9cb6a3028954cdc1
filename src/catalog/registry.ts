/**
 * THE list of catalogers (CONVENTIONS.md §2.8 habit 1). Adding an ecosystem = a folder + one line here.
 * registry.test.ts checks that ids are unique and that every folder is listed.
 */
import type { Cataloger } from './cataloger.js';
import { rpmDb } from './rpm/index.js';
import { dotnetDeps } from './dotnet/index.js';
import { npmLock, npmPackageJson } from './npm/index.js';
import { phpComposerInstalled } from './php/index.js';
import { pythonInstalled } from './python/index.js';
import { rubyGemspec } from './ruby/index.js';
import { javaArchive } from './java/index.js';
import { goModuleBinary } from './go/index.js';
import { rustCargoAuditable } from './rust/index.js';
import { binaryClassifier } from './binary/index.js';
import { dpkgDb } from './dpkg/index.js';
import { apkDb } from './apk/index.js';

export const CATALOGERS: readonly Cataloger[] = [
  rpmDb,
  npmPackageJson,
  npmLock,
  pythonInstalled,
  rubyGemspec,
  phpComposerInstalled,
  dotnetDeps,
  javaArchive,
  goModuleBinary,
  rustCargoAuditable,
  binaryClassifier,
  dpkgDb,
  apkDb,
];
