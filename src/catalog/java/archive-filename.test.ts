import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isJavaArchiveName, parseArchiveFilename } from './archive-filename.js';

describe('parseArchiveFilename', () => {
  // File names of real artifacts (Maven Central / Debian /usr/share/java).
  const table: Array<[string, { name: string; version?: string }]> = [
    ['commons-lang3-3.12.0.jar', { name: 'commons-lang3', version: '3.12.0' }],
    ['/usr/share/java/guava-31.1-jre.jar', { name: 'guava', version: '31.1-jre' }],
    ['log4j-core-2.14.1.jar', { name: 'log4j-core', version: '2.14.1' }],
    ['spring-boot-starter-web-3.1.0.jar', { name: 'spring-boot-starter-web', version: '3.1.0' }],
    ['jakarta.servlet-api-6.0.0.jar', { name: 'jakarta.servlet-api', version: '6.0.0' }],
    ['demo-0.0.1-SNAPSHOT.jar', { name: 'demo', version: '0.0.1-SNAPSHOT' }],
    [
      'netty-transport-native-epoll-4.1.100.Final-linux-x86_64.jar',
      { name: 'netty-transport-native-epoll', version: '4.1.100.Final-linux-x86_64' },
    ],
    ['aopalliance-1.0.jar', { name: 'aopalliance', version: '1.0' }],
    ['app.jar', { name: 'app' }],
    ['error_prone_annotations.jar', { name: 'error_prone_annotations' }],
    ['jenkins-plugin.hpi', { name: 'jenkins-plugin' }],
  ];
  for (const [input, want] of table) {
    it(`${input}`, () => assert.deepEqual(parseArchiveFilename(input), want));
  }
});

describe('isJavaArchiveName', () => {
  const table: Array<[string, boolean]> = [
    ['/app/app.jar', true],
    ['/srv/ROOT.WAR', true],
    ['/opt/x.ear', true],
    ['/var/jenkins_home/plugins/git.jpi', true],
    ['/var/jenkins_home/plugins/git.hpi', true],
    ['/app/app.jar.sha1', false],
    ['/app/jar', false],
    ['/app/notes.txt', false],
  ];
  for (const [path, want] of table) {
    it(`${path} → ${want}`, () => assert.equal(isJavaArchiveName(path), want));
  }
});
