/**
 * A minimal {@link Sbom} around given packages, for matcher tests: one image named `test` with the
 * given layers (default: one base layer), an optional distro, no relationships or Unknowns.
 *
 * @example
 * const sbom = testSbom([libssl3], { distro: { id: 'debian', versionId: '12' } });
 */
import type { Package } from '../../src/catalog/model.js';
import { SBOM_MODEL_VERSION, type Sbom, type SbomLayer } from '../../src/sbom/model.js';

const LAYER = 'sha256:' + 'a'.repeat(64);

export function testSbom(
  packages: Package[],
  opts: { distro?: Sbom['distro']; layers?: SbomLayer[] } = {},
): Sbom {
  return {
    schemaVersion: SBOM_MODEL_VERSION,
    image: {
      ref: 'test',
      repoTags: [],
      repoDigests: [],
      platform: 'linux/amd64',
      layers: opts.layers ?? [{ index: 0, digest: LAYER, diffId: LAYER, createdBy: 'ADD rootfs.tar /' }],
    },
    ...(opts.distro && { distro: opts.distro }),
    packages,
    relationships: [],
    unknowns: [],
    createdAt: '2026-01-01T00:00:00Z',
    tool: { name: 'corral', version: 'test' },
  };
}
