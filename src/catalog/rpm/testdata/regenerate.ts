/**
 * Regenerates this folder's fixtures from real rpm output (see README.md here):
 *   node --import tsx src/catalog/rpm/testdata/regenerate.ts
 * Needs Debian's rpm, rpmbuild and db5.3_load (scripts/test-env.sh installs them).
 */
import { copyFile, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  buildRpms,
  encodeNdbPackages,
  installRpms,
  queryInstalled,
  RPM_DBPATH,
  sqliteHeaderBlobs,
  TEST_PACKAGES,
  writeBdbPackages,
} from '../../../../test/helpers/rpmdb.js';

const here = import.meta.dirname;
const work = await mkdtemp(join(tmpdir(), 'corral-rpm-fixtures-'));
try {
  const root = join(work, 'root');
  await installRpms(root, await buildRpms(work, TEST_PACKAGES));
  const sqlite = join(root, RPM_DBPATH, 'rpmdb.sqlite');
  await copyFile(sqlite, join(here, 'rpmdb.sqlite'));
  const blobs = sqliteHeaderBlobs(sqlite);
  await rm(join(here, 'headers'), { recursive: true, force: true });
  await mkdir(join(here, 'headers'), { recursive: true });
  for (const b of blobs) await writeFile(join(here, 'headers', `${b.hnum}-${b.name}.hdr`), b.blob);
  await writeBdbPackages(join(here, 'Packages'), blobs);
  await writeFile(join(here, 'Packages.db'), encodeNdbPackages(blobs, { holes: true }));
  await writeFile(join(here, 'rpm-qa.txt'), `${(await queryInstalled(root)).join('\n')}\n`);
} finally {
  await rm(work, { recursive: true, force: true });
}
