import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { dependsOn, type DependencyNode } from './provides-requires.js';

const node = (purl: string, provides: string[], requires: string[][], arch?: string): DependencyNode => ({
  purl,
  provides,
  requires,
  ...(arch !== undefined && { arch }),
});
const edges = (nodes: DependencyNode[]) => dependsOn(nodes).map((r) => `${r.from}>${r.to}`);

describe('dependsOn', () => {
  it('resolves by name and by provided name; unresolvable dependencies are left out', () => {
    const nodes = [
      node('bash', ['bash'], [['/bin/sh'], ['libc'], ['missing']]),
      node('binsh', ['binsh', '/bin/sh'], [['libc']]),
      node('libc', ['libc'], []),
    ];
    assert.deepEqual(edges(nodes), ['bash>binsh', 'bash>libc', 'binsh>libc']);
  });

  it('takes the first alternative that is installed', () => {
    const nodes = [
      node('tzdata', ['tzdata'], [['debconf', 'debconf-2.0']]),
      node('cdebconf', ['cdebconf', 'debconf-2.0'], []),
    ];
    assert.deepEqual(edges(nodes), ['tzdata>cdebconf']);
  });

  it('prefers a provider of the same (or no) architecture, skips self and duplicates', () => {
    const nodes = [
      node('app', ['app'], [['libc6'], ['libc6'], ['app']], 'amd64'),
      node('libc6-amd64', ['libc6'], [], 'amd64'),
      node('libc6-i386', ['libc6'], [], 'i386'),
    ];
    assert.deepEqual(edges(nodes), ['app>libc6-amd64']);
  });
});
