import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { describe, it } from 'node:test';
import { parsePomProperties } from './parse-pom-properties.js';

const real = (path: string) => readFile(new URL(`./testdata/real/${path}`, import.meta.url), 'utf8');

describe('parsePomProperties', () => {
  // Written by maven-archiver (slf4j), by the felix bundle plugin (guava): both from Debian's jars.
  const reals: Array<[string, Record<string, string>]> = [
    [
      'slf4j-api-1.7.32/META-INF/maven/org.slf4j/slf4j-api/pom.properties',
      { groupId: 'org.slf4j', artifactId: 'slf4j-api', version: '1.7.32' },
    ],
    [
      'guava-31.1-jre/META-INF/maven/com.google.guava/guava/pom.properties',
      { groupId: 'com.google.guava', artifactId: 'guava', version: '31.1-jre' },
    ],
    [
      'commons-lang3-3.12.0/META-INF/maven/org.apache.commons/commons-lang3/pom.properties',
      { groupId: 'org.apache.commons', artifactId: 'commons-lang3', version: '3.12.0' },
    ],
  ];
  for (const [path, want] of reals) {
    it(path, async () => assert.deepEqual(parsePomProperties(await real(path)), want));
  }

  // java.util.Properties.load syntax.
  const table: Array<[string, string, Record<string, string>]> = [
    ['colon and spaces', 'groupId : g\r\nversion:1\n', { groupId: 'g', version: '1' }],
    ['whitespace separator', 'artifactId a\n', { artifactId: 'a' }],
    ['! comments', '! c\n#c\nversion=1\n', { version: '1' }],
    ['continuation', 'version=1.\\\n    2.3\n', { version: '1.2.3' }],
    ['escaped backslash is not a continuation', 'p=a\\\\\nq=b\n', { p: 'a\\', q: 'b' }],
    ['unicode escape', 'artifactId=caf\\u00e9\n', { artifactId: 'café' }],
    ['escaped separator in key', 'a\\=b=c\n', { 'a=b': 'c' }],
    ['empty value', 'version=\n', { version: '' }],
  ];
  for (const [what, text, want] of table) {
    it(what, () => assert.deepEqual(parsePomProperties(text), want));
  }
});
