import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { requireTools } from '../../../test/helpers/catalog-files.js';
import { DEFAULT_ARCHIVE_LIMITS, walkArchive } from './read-archive.js';
import { BOMB_ENTRY_BYTES, JarBuilder } from './testdata/build-fixtures.js';

let work: string;
let jars: JarBuilder;
before(async () => {
  work = await mkdtemp(join(tmpdir(), 'corral-java-walk-'));
  jars = new JarBuilder(work);
});
after(async () => {
  await rm(work, { recursive: true, force: true });
});

const issues = (w: { issues: Array<{ code: string; innerPath: string }> }) =>
  w.issues.map((i) => `${i.code} ${i.innerPath}`);
const JAR = ['jar', ['--version']] as [string, string[]];

describe('walkArchive', () => {
  it('collects every pom.properties of a shaded jar', async (t) => {
    if (!(await requireTools(t, [JAR]))) return;
    const w = await walkArchive(await readFile(await jars.shadedJar()));
    assert.deepEqual(issues(w), []);
    assert.equal(w.archives.length, 1);
    assert.deepEqual(w.archives[0]!.poms.map((p) => p.props.artifactId).sort(), ['guava', 'slf4j-api']);
    assert.match(w.archives[0]!.manifest?.get('created-by') ?? '', /\(.*\)/); // the jar tool's own manifest
  });

  it('walks an ear → war → WEB-INF/lib jars, naming each nested path', async (t) => {
    if (!(await requireTools(t, [JAR]))) return;
    const w = await walkArchive(await readFile(await jars.enterpriseApp()));
    assert.deepEqual(issues(w), []);
    assert.deepEqual(
      w.archives.map((a) => a.innerPath),
      [
        '',
        'shop-2.0.war',
        'shop-2.0.war!/WEB-INF/lib/aopalliance-1.0.jar',
        'shop-2.0.war!/WEB-INF/lib/commons-lang3-3.12.0.jar',
        'shop-2.0.war!/WEB-INF/lib/guice-assistedinject-4.2.3.jar',
      ].sort(
        (a, b) =>
          w.archives.findIndex((x) => x.innerPath === a) - w.archives.findIndex((x) => x.innerPath === b),
      ),
    );
    const lang3 = w.archives.find((a) => a.innerPath.endsWith('commons-lang3-3.12.0.jar'))!;
    assert.equal(lang3.poms[0]?.props.version, '3.12.0');
    assert.equal(lang3.manifest?.get('bundle-symbolicname'), 'org.apache.commons.lang3');
  });

  it('reads stored (uncompressed) nested jars of a Spring Boot jar', async (t) => {
    if (!(await requireTools(t, [JAR]))) return;
    const w = await walkArchive(await readFile(await jars.bootJar()));
    assert.deepEqual(issues(w), []);
    assert.deepEqual(
      w.archives.flatMap((a) => a.poms.map((p) => `${a.innerPath} ${p.props.artifactId}`)).sort(),
      ['BOOT-INF/lib/guava-31.1-jre.jar guava', 'BOOT-INF/lib/slf4j-api-1.7.32.jar slf4j-api'],
    );
  });

  it('stops at the depth limit and reports the archive not read', async (t) => {
    if (!(await requireTools(t, [JAR]))) return;
    const w = await walkArchive(await readFile(await jars.enterpriseApp()), {
      ...DEFAULT_ARCHIVE_LIMITS,
      maxDepth: 1,
    });
    assert.deepEqual(
      w.archives.map((a) => a.innerPath),
      ['', 'shop-2.0.war'],
    );
    assert.deepEqual(issues(w).sort(), [
      'CATALOG_JAVA_NESTING_TOO_DEEP shop-2.0.war!/WEB-INF/lib/aopalliance-1.0.jar',
      'CATALOG_JAVA_NESTING_TOO_DEEP shop-2.0.war!/WEB-INF/lib/commons-lang3-3.12.0.jar',
      'CATALOG_JAVA_NESTING_TOO_DEEP shop-2.0.war!/WEB-INF/lib/guice-assistedinject-4.2.3.jar',
    ]);
  });

  it('skips nested archives above the size cap or past the per-file budget', async (t) => {
    if (!(await requireTools(t, [JAR]))) return;
    const buf = await readFile(await jars.webApp());
    const small = await walkArchive(buf, { ...DEFAULT_ARCHIVE_LIMITS, maxNestedBytes: 64 });
    assert.equal(small.archives.length, 1);
    assert.equal(small.issues.length, 3);
    assert.ok(small.issues.every((i) => i.code === 'CATALOG_JAVA_NESTED_TOO_LARGE'));
    const budget = await walkArchive(buf, { ...DEFAULT_ARCHIVE_LIMITS, maxInflatedBytes: 3000 });
    assert.ok(
      budget.issues.some((i) => i.code === 'CATALOG_JAVA_NESTED_TOO_LARGE' && /budget/.test(i.message)),
    );
  });

  it('reports a compression bomb entry by its path and still reads the rest', async (t) => {
    if (!(await requireTools(t, [JAR]))) return;
    const buf = await readFile(await jars.bombJar());
    assert.ok(buf.length < BOMB_ENTRY_BYTES / 100);
    const w = await walkArchive(buf);
    assert.deepEqual(issues(w), ['CATALOG_JAVA_ZIP_BOMB data/zeros.bin']);
    assert.equal(w.archives[0]!.poms[0]?.props.artifactId, 'slf4j-api');
  });

  it('reports corrupt and truncated archives', async (t) => {
    if (!(await requireTools(t, [JAR]))) return;
    const truncated = await jars.truncatedJar(1000);
    for (const buf of [truncated, randomBytes(4096), Buffer.alloc(0)]) {
      const w = await walkArchive(buf);
      assert.deepEqual(issues(w), ['CATALOG_JAVA_ZIP_CORRUPT ']);
      assert.deepEqual(w.archives, []);
    }
  });

  it('reports a nested archive that is not a zip, with its inner path', async (t) => {
    if (!(await requireTools(t, [JAR]))) return;
    const stage = await jars.stage({ 'lib/broken.jar': randomBytes(2048) });
    const w = await walkArchive(await readFile(await jars.jar('outer-1.0.jar', stage)));
    assert.deepEqual(issues(w), ['CATALOG_JAVA_ZIP_CORRUPT lib/broken.jar']);
    assert.equal(w.archives.length, 1);
  });
});
