import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { archiveIdentities, javaPackage } from './package.js';
import { parseManifest } from './parse-manifest.js';

describe('archiveIdentities', () => {
  it('prefers pom.properties, one identity per file, and reports incomplete ones', () => {
    const r = archiveIdentities(
      {
        innerPath: '',
        manifest: parseManifest('Implementation-Version: 9.9\n'),
        poms: [
          { entry: 'META-INF/maven/org.slf4j/slf4j-api/pom.properties', props: { version: '1.7.32' } },
          { entry: 'META-INF/maven/g/a/pom.properties', props: { groupId: 'g', artifactId: 'a' } },
        ],
      },
      '/app/uber.jar',
    );
    assert.deepEqual(r.identities, [
      { group: 'org.slf4j', artifact: 'slf4j-api', version: '1.7.32', evidence: 'pom.properties' },
    ]);
    assert.deepEqual(
      r.problems.map((p) => [p.code, p.message]),
      [['CATALOG_JAVA_POM_PROPERTIES_INVALID', 'META-INF/maven/g/a/pom.properties has no version']],
    );
  });

  // Manifest main sections as real jars write them; the file name as the last resort.
  const table: Array<
    [
      string,
      string,
      string | undefined,
      { group: string; artifact: string; version: string; evidence: string } | undefined,
    ]
  > = [
    [
      'Bundle-SymbolicName only',
      'Bundle-SymbolicName: com.google.inject;singleton:=true\nBundle-Version: 4.2.3\n',
      'lib.jar',
      { group: 'com.google.inject', artifact: 'com.google.inject', version: '4.2.3', evidence: 'manifest' },
    ],
    [
      'file name beats manifest names',
      'Implementation-Title: Apache Commons Lang\nImplementation-Version: 3.12.0\nImplementation-Vendor-Id: org.apache.commons\n',
      'commons-lang3-3.12.0.jar',
      { group: 'org.apache.commons', artifact: 'commons-lang3', version: '3.12.0', evidence: 'manifest' },
    ],
    [
      'Implementation-Title as the name',
      'Implementation-Title: tool\nImplementation-Version: 1.0\n',
      'tool.jar',
      { group: 'tool', artifact: 'tool', version: '1.0', evidence: 'manifest' },
    ],
    [
      'file name only',
      'Manifest-Version: 1.0\nCreated-By: 17 (Debian)\n',
      'x/aopalliance-1.0.jar',
      { group: 'aopalliance', artifact: 'aopalliance', version: '1.0', evidence: 'filename' },
    ],
    ['nothing', 'Manifest-Version: 1.0\n', 'app.jar', undefined],
  ];
  for (const [what, manifest, name, want] of table) {
    it(what, () => {
      const r = archiveIdentities(
        { innerPath: 'lib/x.jar', manifest: parseManifest(manifest), poms: [] },
        name!,
      );
      assert.deepEqual(r.identities, want ? [want] : []);
      assert.deepEqual(
        r.problems.map((p) => `${p.code} ${p.innerPath}`),
        want ? [] : ['CATALOG_JAVA_UNIDENTIFIED lib/x.jar'],
      );
    });
  }
});

describe('javaPackage', () => {
  it('locates nested finds at the outer file and names the inner path', () => {
    const p = javaPackage(
      { group: 'g', artifact: 'a', version: '1', evidence: 'filename' },
      '/app/x.war',
      'WEB-INF/lib/a-1.jar',
    );
    assert.equal(p.purl, 'pkg:maven/g/a@1');
    assert.deepEqual(p.locations, [{ path: '/app/x.war', layerIndex: -1 }]);
    assert.deepEqual(p.properties, {
      'corral:java:evidence': 'filename',
      'corral:java:path': 'WEB-INF/lib/a-1.jar',
    });
  });
});
