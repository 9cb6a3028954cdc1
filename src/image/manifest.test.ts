import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isAppError } from '../errors.js';
import { parsePlatform, platformMatches, selectPlatform, type Index } from './manifest.js';

const desc = (os: string, architecture: string, variant?: string, annotations?: Record<string, string>) => ({
  mediaType: 'application/vnd.oci.image.manifest.v1+json',
  digest: `sha256:${(os + architecture + (variant ?? ''))
    .padEnd(64, '0')
    .slice(0, 64)
    .replace(/[^0-9a-f]/g, 'a')}`,
  size: 1,
  platform: { os, architecture, ...(variant && { variant }) },
  ...(annotations && { annotations }),
});

describe('platform selection', () => {
  // cases from containerd's platforms matcher semantics (arm64 ≡ arm64/v8, arm ≡ arm/v7)
  const cases: [string, { os: string; architecture: string; variant?: string }, boolean][] = [
    ['linux/amd64', { os: 'linux', architecture: 'amd64' }, true],
    ['linux/x86_64', { os: 'linux', architecture: 'amd64' }, true],
    ['linux/arm64', { os: 'linux', architecture: 'arm64', variant: 'v8' }, true],
    ['linux/aarch64', { os: 'linux', architecture: 'arm64' }, true],
    ['linux/arm64/v8', { os: 'linux', architecture: 'arm64' }, true],
    ['linux/arm', { os: 'linux', architecture: 'arm', variant: 'v7' }, true],
    ['linux/arm', { os: 'linux', architecture: 'arm', variant: 'v6' }, false],
    ['linux/arm/v6', { os: 'linux', architecture: 'arm', variant: 'v6' }, true],
    ['linux/amd64', { os: 'windows', architecture: 'amd64' }, false],
    ['linux/386', { os: 'linux', architecture: 'amd64' }, false],
  ];
  for (const [want, have, expected] of cases) {
    it(`${want} ${expected ? 'matches' : 'does not match'} ${have.os}/${have.architecture}/${have.variant ?? ''}`, () => {
      assert.equal(platformMatches(have, parsePlatform(want)), expected);
    });
  }

  it('skips attestation manifests and lists what is available', () => {
    const index: Index = {
      schemaVersion: 2,
      manifests: [
        desc('linux', 'arm', 'v6'),
        desc('linux', 'arm', 'v7'),
        desc('unknown', 'unknown', undefined, { 'vnd.docker.reference.type': 'attestation-manifest' }),
      ],
    };
    assert.equal(selectPlatform(index, parsePlatform('linux/arm'), 'x').platform?.variant, 'v7');
    assert.throws(
      () => selectPlatform(index, parsePlatform('linux/amd64'), 'x'),
      (e: unknown) =>
        isAppError(e, 'IMAGE_PLATFORM_NOT_FOUND') && /linux\/arm\/v6, linux\/arm\/v7/.test(e.message),
    );
    assert.throws(
      () => parsePlatform('linux'),
      (e: unknown) => isAppError(e, 'CLI_USAGE'),
    );
  });
});
