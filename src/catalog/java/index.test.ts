import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { catalogLayers, requireTools } from '../../../test/helpers/catalog-files.js';
import { javaArchive } from './index.js';
import { JarBuilder } from './testdata/build-fixtures.js';

let work: string;
let jars: JarBuilder;
before(async () => {
  work = await mkdtemp(join(tmpdir(), 'corral-java-'));
  jars = new JarBuilder(work);
});
after(async () => {
  await rm(work, { recursive: true, force: true });
});

describe('java-archive wants()', () => {
  const table: Array<[string, boolean]> = [
    ['/usr/share/java/guava-31.1-jre.jar', true],
    ['/usr/local/tomcat/webapps/ROOT.war', true],
    ['/opt/jboss/app.ear', true],
    ['/var/jenkins_home/plugins/git.jpi', true],
    ['/usr/share/jenkins/ref/plugins/credentials.hpi', true],
    ['/app/app.JAR', true],
    ['/app/app.jar.md5', false],
    ['/app/classes/App.class', false],
    ['/usr/lib/jvm/java-17/lib/modules', false],
  ];
  for (const [path, want] of table) {
    it(`${path} → ${want}`, () => assert.equal(javaArchive.wants(path), want));
  }
});

describe('java-archive on a real image', () => {
  it('reports every embedded artifact, nested archives by path, and bombs and corrupt zips as unknowns', async (t) => {
    if (!(await requireTools(t, [['jar', ['--version']]]))) return;
    const file = async (path: string, built: Promise<string>) => ({
      path,
      content: await readFile(await built),
    });
    const sbom = await catalogLayers(
      work,
      [
        {
          files: [
            await file('/app/shop-ear-2.0.ear', jars.enterpriseApp()),
            await file('/opt/app/app-all.jar', jars.shadedJar()),
            await file('/app/demo-0.0.1-SNAPSHOT.jar', jars.bootJar()),
          ],
        },
        {
          files: [
            await file('/app/bomb/slf4j-api-1.7.32.jar', jars.bombJar()),
            { path: '/app/broken.jar', content: randomBytes(4096) },
            await file('/usr/share/java/guava-31.1-jre.jar', jars.jarFromReal('guava-31.1-jre')),
          ],
        },
      ],
      [javaArchive],
    );
    const got = sbom.packages
      .map((p) => {
        const l = p.locations[0]!;
        return `${l.layerIndex} ${l.path} ${p.properties?.['corral:java:path'] ?? '-'} ${p.purl} ${p.properties?.['corral:java:evidence']}`;
      })
      .sort();
    assert.deepEqual(got, [
      '0 /app/demo-0.0.1-SNAPSHOT.jar - pkg:maven/demo/demo@0.0.1-SNAPSHOT filename',
      '0 /app/demo-0.0.1-SNAPSHOT.jar BOOT-INF/lib/guava-31.1-jre.jar pkg:maven/com.google.guava/guava@31.1-jre pom.properties',
      '0 /app/demo-0.0.1-SNAPSHOT.jar BOOT-INF/lib/slf4j-api-1.7.32.jar pkg:maven/org.slf4j/slf4j-api@1.7.32 pom.properties',
      '0 /app/shop-ear-2.0.ear - pkg:maven/shop-ear/shop-ear@2.0 filename',
      '0 /app/shop-ear-2.0.ear shop-2.0.war pkg:maven/shop/shop@2.0 filename',
      '0 /app/shop-ear-2.0.ear shop-2.0.war!/WEB-INF/lib/aopalliance-1.0.jar pkg:maven/aopalliance/aopalliance@1.0 filename',
      '0 /app/shop-ear-2.0.ear shop-2.0.war!/WEB-INF/lib/commons-lang3-3.12.0.jar pkg:maven/org.apache.commons/commons-lang3@3.12.0 pom.properties',
      '0 /app/shop-ear-2.0.ear shop-2.0.war!/WEB-INF/lib/guice-assistedinject-4.2.3.jar pkg:maven/guice-assistedinject/guice-assistedinject@4.2.3 manifest',
      '0 /opt/app/app-all.jar - pkg:maven/com.google.guava/guava@31.1-jre pom.properties',
      '0 /opt/app/app-all.jar - pkg:maven/org.slf4j/slf4j-api@1.7.32 pom.properties',
      '1 /app/bomb/slf4j-api-1.7.32.jar - pkg:maven/org.slf4j/slf4j-api@1.7.32 pom.properties',
      '1 /usr/share/java/guava-31.1-jre.jar - pkg:maven/com.google.guava/guava@31.1-jre pom.properties',
    ]);
    assert.deepEqual(sbom.unknowns.map((u) => `${u.layerIndex} ${u.path} ${u.code} ${u.cataloger}`).sort(), [
      '1 /app/bomb/slf4j-api-1.7.32.jar CATALOG_JAVA_ZIP_BOMB java-archive',
      '1 /app/broken.jar CATALOG_JAVA_ZIP_CORRUPT java-archive',
    ]);
    const bomb = sbom.unknowns.find((u) => u.code === 'CATALOG_JAVA_ZIP_BOMB')!;
    assert.ok(bomb.message.startsWith('/app/bomb/slf4j-api-1.7.32.jar!/data/zeros.bin: '), bomb.message);
  });
});
