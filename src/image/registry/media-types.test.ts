import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { isForeignLayer, isImageConfigMediaType, isLayerMediaType, manifestKind } from './media-types.js';

void describe('media types', () => {
  void test('manifest kinds, ignoring parameters and case', () => {
    const table: [string, ReturnType<typeof manifestKind>][] = [
      ['application/vnd.oci.image.index.v1+json', 'index'],
      ['application/vnd.docker.distribution.manifest.list.v2+json', 'index'],
      ['application/vnd.oci.image.manifest.v1+json; charset=utf-8', 'manifest'],
      ['Application/Vnd.Docker.Distribution.Manifest.V2+Json', 'manifest'],
      ['application/vnd.docker.distribution.manifest.v1+prettyjws', 'schema1'],
      ['application/vnd.docker.distribution.manifest.v1+json', 'schema1'],
      ['application/json', 'unknown'],
    ];
    for (const [mt, kind] of table) assert.equal(manifestKind(mt), kind, mt);
  });

  void test('configs and layers', () => {
    assert.ok(isImageConfigMediaType('application/vnd.docker.container.image.v1+json'));
    assert.ok(!isImageConfigMediaType('application/vnd.cncf.helm.config.v1+json'));
    assert.ok(isLayerMediaType('application/vnd.oci.image.layer.v1.tar+zstd'));
    assert.ok(!isLayerMediaType('application/vnd.cncf.helm.chart.content.v1.tar+gzip'));
    assert.ok(isForeignLayer('application/vnd.docker.image.rootfs.foreign.diff.tar.gzip'));
    assert.ok(!isForeignLayer('application/vnd.oci.image.layer.v1.tar+gzip'));
  });
});
