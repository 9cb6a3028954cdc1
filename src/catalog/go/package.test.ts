import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { goPackages, isDirectoryPath, parseGoVersion } from './package.js';

describe('parseGoVersion', () => {
  // runtime.buildVersion values of real toolchains (go.dev/dl, Debian, GOEXPERIMENT builds).
  const table: Array<[string, ReturnType<typeof parseGoVersion>]> = [
    ['go1.21.3', { version: '1.21.3' }],
    ['go1.19.8', { version: '1.19.8' }],
    ['go1.21.0 X:loopvar', { version: '1.21.0' }],
    ['go1.22rc1', { version: '1.22rc1', prerelease: 'rc1' }],
    ['go1.20beta2', { version: '1.20beta2', prerelease: 'beta2' }],
    ['go1.16', { version: '1.16' }],
    ['devel go1.23-4e4ad8b Tue Jan 2 10:00:00 2024 +0000', undefined],
    ['', undefined],
  ];
  for (const [input, want] of table) {
    it(JSON.stringify(input), () => assert.deepEqual(parseGoVersion(input), want));
  }
});

describe('isDirectoryPath', () => {
  // golang.org/x/mod/modfile IsDirectoryPath cases.
  const table: Array<[string, boolean]> = [
    ['./lib', true],
    ['../greet', true],
    ['.', true],
    ['/abs/path', true],
    ['C:\\src\\lib', true],
    ['example.com/fork', false],
    ['.hidden/x', false],
  ];
  for (const [input, want] of table) {
    it(input, () => assert.equal(isDirectoryPath(input), want));
  }
});

describe('goPackages', () => {
  it('emits the stdlib CPE with the pre-release as the update field', () => {
    const [stdlib] = goPackages('go1.22rc1', { deps: [], settings: [] }, '/app/x');
    assert.equal(stdlib?.purl, 'pkg:golang/stdlib@1.22rc1');
    assert.deepEqual(stdlib?.cpes, ['cpe:2.3:a:golang:go:1.22:rc1:*:*:*:*:*:*']);
  });

  it('reports a module without a slash in its path, and no stdlib for a devel toolchain', () => {
    const pkgs = goPackages(
      'devel go1.23-abc',
      { main: { path: 'hello', version: '(devel)' }, deps: [], settings: [] },
      '/hello',
    );
    assert.deepEqual(
      pkgs.map((p) => p.purl),
      ['pkg:golang/hello@(devel)'],
    );
  });
});
