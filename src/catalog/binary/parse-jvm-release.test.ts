import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { describe, it } from 'node:test';
import { classifyJvm, cpeVersionAndUpdate, parseJvmRelease } from './parse-jvm-release.js';
import { existing, jdkRelease } from './testdata/host-binaries.js';

describe('parseJvmRelease', () => {
  it("reads this machine's JDK release file", async (t) => {
    const { release } = await jdkRelease().catch(() => ({ release: '' }));
    if (release === '' || (await existing([release])).length === 0) {
      if (process.env.CI === 'true')
        assert.fail('no JDK release file (java is expected on this machine kind)');
      t.skip('no JDK here');
      return;
    }
    const r = parseJvmRelease(await readFile(release, 'utf8'));
    assert.match(r?.JAVA_VERSION ?? '', /^\d+\.\d+\.\d+$/);
    assert.ok(r?.IMPLEMENTOR);
  });

  it('is undefined for release files of other software', () => {
    assert.equal(parseJvmRelease('NAME="Debian"\nVERSION_ID="12"\n'), undefined);
    assert.equal(parseJvmRelease(''), undefined);
  });

  it('accepts unquoted values and CRLF', () => {
    assert.deepEqual(parseJvmRelease('JAVA_VERSION=1.8.0_292\r\nIMPLEMENTOR="Oracle Corporation"\r\n'), {
      JAVA_VERSION: '1.8.0_292',
      IMPLEMENTOR: 'Oracle Corporation',
    });
  });
});

describe('cpeVersionAndUpdate', () => {
  // JEP 223 and legacy version strings (syft parse_jvm_release.go's table of vendors).
  const table: Array<[string, [string, string]]> = [
    ['1.8.0_292', ['1.8.0', 'update292']],
    ['1.8.0_302-b08', ['1.8.0', 'update302']],
    ['1.8.0_05', ['1.8.0', 'update5']],
    ['17.0.15', ['17.0.15', '*']],
    ['21.0.4+7-LTS', ['21.0.4', '*']],
    ['9.0.1+20', ['9.0.1', '*']],
  ];
  for (const [input, want] of table) {
    it(input, () => assert.deepEqual(cpeVersionAndUpdate(input), want));
  }
});

describe('classifyJvm', () => {
  // Release files of real distributions (field values as their builds write them).
  const table: Array<[string, Record<string, string>, string, boolean, { name: string; cpes: string[] }]> = [
    [
      'Debian OpenJDK 17',
      { IMPLEMENTOR: 'Debian', JAVA_VERSION: '17.0.15', JAVA_RUNTIME_VERSION: '17.0.15+6-Debian-1deb12u1' },
      '/usr/lib/jvm/java-17-openjdk-amd64/release',
      true,
      { name: 'openjdk', cpes: ['cpe:2.3:a:oracle:openjdk:17.0.15:*:*:*:*:*:*:*'] },
    ],
    [
      'Temurin 8 JRE',
      { IMPLEMENTOR: 'Temurin', JAVA_VERSION: '1.8.0_422', IMAGE_TYPE: 'JRE' },
      '/opt/java/openjdk/release',
      false,
      { name: 'openjdk', cpes: ['cpe:2.3:a:oracle:openjdk:1.8.0:update422:*:*:*:*:*:*'] },
    ],
    [
      'Oracle JDK 8 (commercial)',
      { IMPLEMENTOR: 'Oracle Corporation', JAVA_VERSION: '1.8.0_292', BUILD_TYPE: 'commercial' },
      '/usr/java/jdk1.8.0_292/release',
      true,
      {
        name: 'jdk',
        cpes: [
          'cpe:2.3:a:oracle:java_se:1.8.0:update292:*:*:*:*:*:*',
          'cpe:2.3:a:oracle:jre:1.8.0:update292:*:*:*:*:*:*',
          'cpe:2.3:a:oracle:jdk:1.8.0:update292:*:*:*:*:*:*',
        ],
      },
    ],
    [
      'Azul Zulu 11',
      { IMPLEMENTOR: 'Azul Systems, Inc.', JAVA_VERSION: '11.0.22' },
      '/usr/lib/jvm/zulu11/release',
      true,
      {
        name: 'zulu',
        cpes: ['cpe:2.3:a:azul:zulu:11.0.22:*:*:*:*:*:*:*', 'cpe:2.3:a:oracle:openjdk:11.0.22:*:*:*:*:*:*:*'],
      },
    ],
    [
      'IBM Semeru JRE',
      { IMPLEMENTOR: 'IBM Corporation', JAVA_VERSION: '17.0.8', IMAGE_TYPE: 'JRE' },
      '/opt/java/semeru/release',
      false,
      { name: 'java', cpes: ['cpe:2.3:a:ibm:java:17.0.8:*:*:*:*:*:*:*'] },
    ],
  ];
  for (const [what, release, path, javac, want] of table) {
    it(what, () => {
      const c = classifyJvm(release, path, javac);
      assert.deepEqual({ name: c.name, cpes: c.cpes }, want);
      assert.equal(c.version, release.JAVA_VERSION);
    });
  }
});
