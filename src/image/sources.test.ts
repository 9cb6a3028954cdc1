import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdir, mkdtemp, rm, writeFile, readFile, truncate, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import { after, before, describe, it } from 'node:test';
import {
  buildDockerArchive,
  buildOciLayout,
  ociLayoutToArchive,
  type LayerEntry,
} from '../../test/helpers/build-image.js';
import { isAppError } from '../errors.js';
import { openImage, parseImageRef, squashImage } from './index.js';
import { inspectImage } from './inspect.js';
import { defaultLimits } from './limits.js';
import { parseDockerReference } from './ref.js';

let work: string;
before(async () => {
  work = await mkdtemp(join(tmpdir(), 'corral-sources-'));
});
after(async () => {
  await rm(work, { recursive: true, force: true });
});

const limits = defaultLimits();
const layers = (tag: string): LayerEntry[] => [
  {
    files: [
      { path: '/etc', type: 'dir' },
      { path: '/etc/os-release', content: `ID=${tag}\n` },
    ],
    createdBy: '/bin/sh -c #(nop) ADD file:abc in /',
  },
  { emptyLayer: true, createdBy: '/bin/sh -c #(nop) ENV A=1' },
  {
    files: [
      { path: '/app', type: 'dir' },
      { path: '/app/main', content: 'bin' },
    ],
    createdBy: 'COPY main /app/main',
  },
];

async function expectCode(p: Promise<unknown>, code: string): Promise<void> {
  await assert.rejects(p, (err: unknown) => {
    assert.ok(isAppError(err), `expected AppError, got ${String(err)}`);
    assert.equal(err.code, code, err.message);
    return true;
  });
}

/** Like {@link expectCode}, and the message must mention every one of `parts`. */
async function expectError(p: Promise<unknown>, code: string, ...parts: string[]): Promise<void> {
  await assert.rejects(p, (err: unknown) => {
    assert.ok(isAppError(err), `expected AppError, got ${String(err)}`);
    assert.equal(err.code, code, err.message);
    for (const part of parts) assert.ok(err.message.includes(part), `"${part}" not in: ${err.message}`);
    return true;
  });
}

async function osRelease(ref: string, opts = {}): Promise<string> {
  const img = await openImage(ref, { limits, ...opts });
  try {
    const { view } = await squashImage(img, { limits });
    const text = (await view.readFile('/etc/os-release')).toString();
    await view.close();
    return text;
  } finally {
    await img.close();
  }
}

describe('docker-archive', () => {
  it('reads a classic docker save tarball with history mapped to layers', async () => {
    const file = join(work, 'one.tar');
    const built = await buildDockerArchive(file, {
      layers: layers('one'),
      repoTags: ['example.com/team/app:1.0'],
      config: { config: { User: 'app', ExposedPorts: { '8080/tcp': {} } } },
    });
    const img = await openImage(`docker-archive:${file}`, { limits });
    assert.equal(img.source, 'docker-archive');
    assert.equal(img.configDigest, built.images[0]!.configDigest);
    assert.deepEqual(img.repoTags, ['example.com/team/app:1.0']);
    assert.equal(img.layers.length, 2);
    assert.equal(img.layers[0]!.createdBy, '/bin/sh -c #(nop) ADD file:abc in /');
    assert.equal(img.layers[1]!.createdBy, 'COPY main /app/main');
    assert.equal(img.emptyHistory.length, 1);
    const summary = await inspectImage(img, { limits });
    assert.equal(summary.config.user, 'app');
    assert.deepEqual(summary.config.exposedPorts, ['8080/tcp']);
    assert.deepEqual(
      summary.history.map((h) => h.layerIndex),
      [0, null, 1],
    );
    assert.equal(summary.files.regular, 2);
    await img.close();
  });

  it('reads gzipped archives and auto-detects bare paths', async () => {
    const file = join(work, 'one.tar.gz');
    await buildDockerArchive(file, { layers: layers('gz'), repoTags: ['gz:latest'] }, { gzip: true });
    assert.equal(parseImageRef(file).kind, 'docker-archive');
    assert.equal(await osRelease(file), 'ID=gz\n');
  });

  it('selects an image of a multi-image archive by name or index, and refuses to guess', async () => {
    const file = join(work, 'multi.tar');
    await buildDockerArchive(file, [
      { layers: layers('first'), repoTags: ['first:1'] },
      { layers: layers('second'), repoTags: ['docker.io/library/second:2'] },
    ]);
    assert.equal(await osRelease(`docker-archive:${file}:first:1`), 'ID=first\n');
    assert.equal(await osRelease(`docker-archive:${file}:second:2`), 'ID=second\n');
    assert.equal(await osRelease(`docker-archive:${file}:@1`), 'ID=second\n');
    await expectCode(openImage(`docker-archive:${file}`, { limits }), 'IMAGE_AMBIGUOUS');
    await expectCode(openImage(`docker-archive:${file}:third:3`, { limits }), 'IMAGE_NOT_FOUND');
  });

  it('verifies layers against diff_ids', async () => {
    const file = join(work, 'tamper.tar');
    await buildDockerArchive(file, { layers: [{ files: [{ path: '/a', content: 'AAAA' }] }] });
    const bytes = await readFile(file);
    const at = bytes.indexOf(Buffer.from('AAAA'));
    bytes.write('BBBB', at);
    await writeFile(file, bytes);
    const img = await openImage(`docker-archive:${file}`, { limits });
    await expectCode(squashImage(img, { limits }), 'IMAGE_LAYER_DIGEST_MISMATCH');
    await img.close();
  });

  it('reports truncated and non-image archives clearly', async () => {
    const file = join(work, 'cut.tar');
    await buildDockerArchive(file, { layers: layers('cut') });
    await truncate(file, Math.floor((await stat(file)).size / 2));
    await expectCode(openImage(`docker-archive:${file}`, { limits }), 'IMAGE_ARCHIVE_CORRUPT');
    const junk = join(work, 'junk.tar');
    await writeFile(junk, 'definitely not a tar file'.repeat(100));
    await expectCode(openImage(`docker-archive:${junk}`, { limits }), 'IMAGE_ARCHIVE_CORRUPT');
    await expectCode(openImage(`docker-archive:${join(work, 'missing.tar')}`, { limits }), 'IMAGE_NOT_FOUND');
  });
});

describe('oci layouts', () => {
  it('selects a platform from a multi-platform index', async () => {
    const dir = join(work, 'multi-arch');
    await buildOciLayout(dir, {
      layers: [],
      tag: 'v1',
      platforms: [
        { os: 'linux', architecture: 'amd64', layers: layers('amd64') },
        { os: 'linux', architecture: 'arm64', variant: 'v8', layers: layers('arm64') },
        { os: 'linux', architecture: 'arm', variant: 'v7', layers: layers('armv7') },
      ],
    });
    assert.equal(await osRelease(`oci-layout:${dir}:v1`), 'ID=amd64\n');
    assert.equal(
      await osRelease(`oci-layout:${dir}:v1`, { platform: { os: 'linux', architecture: 'arm64' } }),
      'ID=arm64\n',
    );
    assert.equal(
      await osRelease(dir, { platform: { os: 'linux', architecture: 'arm', variant: 'v7' } }),
      'ID=armv7\n',
    );
    const img = await openImage(`oci-layout:${dir}`, {
      limits,
      platform: { os: 'linux', architecture: 'arm64' },
    });
    assert.ok(img.indexDigest?.startsWith('sha256:'));
    assert.equal(img.platform.architecture, 'arm64');
    await img.close();
    await expectCode(
      openImage(`oci-layout:${dir}`, { limits, platform: { os: 'linux', architecture: 's390x' } }),
      'IMAGE_PLATFORM_NOT_FOUND',
    );
  });

  it('picks images by tag or digest and reads OCI archives', async () => {
    const dir = join(work, 'tagged');
    const built = await buildOciLayout(dir, { layers: layers('tagged'), tag: '2.0', mediaTypes: 'docker' });
    assert.equal(await osRelease(`oci-layout:${dir}:2.0`), 'ID=tagged\n');
    assert.equal(await osRelease(`oci-layout:${dir}@${built.digest}`), 'ID=tagged\n');
    await expectCode(openImage(`oci-layout:${dir}:nope`, { limits }), 'IMAGE_NOT_FOUND');
    const tar = join(work, 'tagged-oci.tar');
    await ociLayoutToArchive(dir, tar);
    assert.equal(parseImageRef(tar).kind, 'oci-archive');
    assert.equal(await osRelease(`oci-archive:${tar}`), 'ID=tagged\n');
    const img = await openImage(tar, { limits });
    assert.equal(img.digest, built.digest);
    await img.close();
  });

  it('rejects schema 1 and unknown media types', async () => {
    const dir = join(work, 'schema1');
    await buildOciLayout(dir, { layers: layers('s1') });
    const { computeDigest } = await import('./layer/digest.js');
    const s1 = Buffer.from(
      JSON.stringify({ schemaVersion: 1, name: 'x', tag: 'y', fsLayers: [], history: [] }),
    );
    const d1 = computeDigest(s1);
    await writeFile(join(dir, 'blobs/sha256', d1.slice(7)), s1);
    const weird = Buffer.from(JSON.stringify({ schemaVersion: 2, mediaType: 'application/x-weird' }));
    const d2 = computeDigest(weird);
    await writeFile(join(dir, 'blobs/sha256', d2.slice(7)), weird);
    await writeFile(
      join(dir, 'index.json'),
      JSON.stringify({
        schemaVersion: 2,
        manifests: [
          {
            mediaType: 'application/vnd.docker.distribution.manifest.v1+prettyjws',
            digest: d1,
            size: s1.length,
            annotations: { 'org.opencontainers.image.ref.name': 'old' },
          },
          {
            mediaType: 'application/x-weird',
            digest: d2,
            size: weird.length,
            annotations: { 'org.opencontainers.image.ref.name': 'weird' },
          },
        ],
      }),
    );
    await expectCode(openImage(`oci-layout:${dir}:old`, { limits }), 'IMAGE_SCHEMA1_UNSUPPORTED');
    await expectCode(openImage(`oci-layout:${dir}:weird`, { limits }), 'IMAGE_MEDIA_TYPE_UNSUPPORTED');
  });
});

const sha512 = (bytes: Buffer): string => `sha512:${createHash('sha512').update(bytes).digest('hex')}`;
const blobFile = (digest: string): string => `blobs/${digest.replace(':', '/')}`;

async function writeBlob(dir: string, digest: string, bytes: Buffer): Promise<void> {
  await mkdir(join(dir, 'blobs', digest.split(':')[0]!), { recursive: true });
  await writeFile(join(dir, blobFile(digest)), bytes);
}

interface Descriptor {
  mediaType: string;
  digest: string;
  size: number;
  annotations?: Record<string, string>;
}

/** Points the single image of `index.json` at a manifest with these bytes, named by `digest`. */
async function setTopManifest(dir: string, digest: string, bytes: Buffer): Promise<void> {
  const index = JSON.parse(await readFile(join(dir, 'index.json'), 'utf8')) as { manifests: Descriptor[] };
  index.manifests[0] = { ...index.manifests[0]!, digest, size: bytes.length };
  await writeFile(join(dir, 'index.json'), JSON.stringify(index));
}

/**
 * Builds a single-image OCI layout at `dir` and re-names its manifest, config and layer blobs by their
 * sha512 digests (the sha256 files are removed, so nothing can fall back to them).
 */
async function buildSha512Layout(dir: string, tag: string) {
  await buildOciLayout(dir, { layers: layers(tag), tag: 'v1' });
  const index = JSON.parse(await readFile(join(dir, 'index.json'), 'utf8')) as { manifests: Descriptor[] };
  const top = index.manifests[0]!;
  const manifest = JSON.parse(await readFile(join(dir, blobFile(top.digest)), 'utf8')) as {
    config: Descriptor;
    layers: Descriptor[];
  };
  const rename = async (d: Descriptor): Promise<Descriptor> => {
    const bytes = await readFile(join(dir, blobFile(d.digest)));
    const digest = sha512(bytes);
    await writeBlob(dir, digest, bytes);
    return { ...d, digest };
  };
  manifest.config = await rename(manifest.config);
  manifest.layers = await Promise.all(manifest.layers.map(rename));
  const manifestBytes = Buffer.from(JSON.stringify(manifest));
  const manifestDigest = sha512(manifestBytes);
  await writeBlob(dir, manifestDigest, manifestBytes);
  await setTopManifest(dir, manifestDigest, manifestBytes);
  await rm(join(dir, 'blobs', 'sha256'), { recursive: true });
  return { manifest, manifestBytes, manifestDigest };
}

describe('digest algorithms', () => {
  it('reads layouts, OCI archives and Docker archives whose blobs are named by sha512 digests', async () => {
    const dir = join(work, 'sha512-ok');
    const { manifest, manifestDigest } = await buildSha512Layout(dir, 'sha512');
    assert.equal(await osRelease(`oci-layout:${dir}:v1`), 'ID=sha512\n');
    const img = await openImage(`oci-layout:${dir}`, { limits });
    assert.equal(img.digest, manifestDigest);
    assert.equal(img.configDigest, manifest.config.digest);
    assert.ok(img.layers.every((l) => l.digest.startsWith('sha512:')));
    await img.close();
    const tar = join(work, 'sha512-ok-oci.tar');
    await ociLayoutToArchive(dir, tar);
    assert.equal(await osRelease(`oci-archive:${tar}`), 'ID=sha512\n');

    // Docker ≥ 25 style: manifest.json pointing into the OCI layout beside it.
    await writeFile(
      join(dir, 'manifest.json'),
      JSON.stringify([
        {
          Config: blobFile(manifest.config.digest),
          RepoTags: ['d25:1'],
          Layers: manifest.layers.map((l) => blobFile(l.digest)),
        },
      ]),
    );
    const docker = join(work, 'sha512-ok-docker.tar');
    await ociLayoutToArchive(dir, docker);
    assert.equal(await osRelease(`docker-archive:${docker}`), 'ID=sha512\n');
    const dimg = await openImage(`docker-archive:${docker}`, { limits });
    assert.equal(dimg.configDigest, manifest.config.digest);
    assert.equal(dimg.digest, manifestDigest);
    await dimg.close();
  });

  it('rejects a sha512 blob whose content changed, naming the blob', async () => {
    const dir = join(work, 'sha512-bad');
    const { manifest, manifestBytes, manifestDigest } = await buildSha512Layout(dir, 'bad');
    const ref = `oci-layout:${dir}:v1`;

    // the manifest: same name, other bytes
    const changed = Buffer.from(JSON.stringify({ ...manifest, annotations: { tampered: 'yes' } }));
    await writeFile(join(dir, blobFile(manifestDigest)), changed);
    await expectError(
      openImage(ref, { limits }),
      'IMAGE_DIGEST_MISMATCH',
      blobFile(manifestDigest),
      sha512(changed),
    );
    const tar = join(work, 'sha512-bad-oci.tar');
    await ociLayoutToArchive(dir, tar);
    await expectError(
      openImage(`oci-archive:${tar}`, { limits }),
      'IMAGE_DIGEST_MISMATCH',
      blobFile(manifestDigest),
    );
    await writeFile(join(dir, blobFile(manifestDigest)), manifestBytes);

    // the config
    const configFile = join(dir, blobFile(manifest.config.digest));
    const configBytes = await readFile(configFile);
    await writeFile(configFile, Buffer.concat([configBytes, Buffer.from(' ')]));
    await expectError(openImage(ref, { limits }), 'IMAGE_DIGEST_MISMATCH', blobFile(manifest.config.digest));

    // ...and the same config through a Docker ≥ 25 archive's manifest.json
    await writeFile(
      join(dir, 'manifest.json'),
      JSON.stringify([
        {
          Config: blobFile(manifest.config.digest),
          RepoTags: null,
          Layers: manifest.layers.map((l) => blobFile(l.digest)),
        },
      ]),
    );
    const docker = join(work, 'sha512-bad-docker.tar');
    await ociLayoutToArchive(dir, docker);
    await expectError(
      openImage(`docker-archive:${docker}`, { limits }),
      'IMAGE_DIGEST_MISMATCH',
      blobFile(manifest.config.digest),
    );
    await rm(join(dir, 'manifest.json'));
    await writeFile(configFile, configBytes);

    // a layer: recompressed, so it still decompresses to the same tar but its stored bytes differ
    const layer = manifest.layers[0]!;
    const layerFile = join(dir, blobFile(layer.digest));
    await writeFile(layerFile, gzipSync(gunzipSync(await readFile(layerFile)), { level: 1 }));
    const img = await openImage(ref, { limits });
    await expectError(squashImage(img, { limits }), 'IMAGE_LAYER_DIGEST_MISMATCH', layer.digest);
    await img.close();
  });

  it('rejects digests of unsupported algorithms, naming the file and the digest', async () => {
    const dir = join(work, 'unsupported');
    const { manifest, manifestBytes, manifestDigest } = await buildSha512Layout(dir, 'unsupported');
    const ref = `oci-layout:${dir}:v1`;

    // index.json -> manifest by sha384 (well-formed, but not an algorithm Corral computes)
    const sha384 = `sha384:${createHash('sha384').update(manifestBytes).digest('hex')}`;
    await writeBlob(dir, sha384, manifestBytes);
    await setTopManifest(dir, sha384, manifestBytes);
    await expectError(openImage(ref, { limits }), 'IMAGE_MANIFEST_INVALID', `${dir}/index.json`, sha384);

    // malformed: must never become a path
    await setTopManifest(dir, 'sha512:../../../../etc/passwd', manifestBytes);
    await expectError(openImage(ref, { limits }), 'IMAGE_MANIFEST_INVALID', `${dir}/index.json`, '../../');

    // manifest -> config by md5
    const md5 = `md5:${createHash('md5').update('x').digest('hex')}`;
    const withMd5 = Buffer.from(JSON.stringify({ ...manifest, config: { ...manifest.config, digest: md5 } }));
    await writeBlob(dir, sha512(withMd5), withMd5);
    await setTopManifest(dir, sha512(withMd5), withMd5);
    await expectError(openImage(ref, { limits }), 'IMAGE_MANIFEST_INVALID', blobFile(sha512(withMd5)), md5);

    // manifest -> layer by sha1
    const sha1 = `sha1:${createHash('sha1').update('x').digest('hex')}`;
    const layerSha1 = {
      ...manifest,
      layers: [{ ...manifest.layers[0]!, digest: sha1 }, ...manifest.layers.slice(1)],
    };
    const withSha1 = Buffer.from(JSON.stringify(layerSha1));
    await writeBlob(dir, sha512(withSha1), withSha1);
    await setTopManifest(dir, sha512(withSha1), withSha1);
    await expectError(openImage(ref, { limits }), 'IMAGE_MANIFEST_INVALID', blobFile(sha512(withSha1)), sha1);

    // a Docker ≥ 25 archive's config named by an unknown algorithm
    await setTopManifest(dir, manifestDigest, manifestBytes);
    const configBytes = await readFile(join(dir, blobFile(manifest.config.digest)));
    const md5Config = `md5:${createHash('md5').update(configBytes).digest('hex')}`;
    await writeBlob(dir, md5Config, configBytes);
    await writeFile(
      join(dir, 'manifest.json'),
      JSON.stringify([
        {
          Config: blobFile(md5Config),
          RepoTags: null,
          Layers: manifest.layers.map((l) => blobFile(l.digest)),
        },
      ]),
    );
    const docker = join(work, 'unsupported-docker.tar');
    await ociLayoutToArchive(dir, docker);
    await expectError(
      openImage(`docker-archive:${docker}`, { limits }),
      'IMAGE_MANIFEST_INVALID',
      blobFile(md5Config),
      md5Config,
    );
  });
});

describe('references', () => {
  it('normalises Docker references as the Docker CLI does', () => {
    assert.deepEqual(parseDockerReference('alpine'), {
      registry: 'docker.io',
      repository: 'library/alpine',
      tag: 'latest',
    });
    assert.deepEqual(parseDockerReference('localhost:5000/a/b:1.2'), {
      registry: 'localhost:5000',
      repository: 'a/b',
      tag: '1.2',
    });
    const d = `sha256:${'a'.repeat(64)}`;
    assert.deepEqual(parseDockerReference(`ghcr.io/org/app@${d}`), {
      registry: 'ghcr.io',
      repository: 'org/app',
      digest: d,
    });
    assert.throws(
      () => parseDockerReference('UPPER/case'),
      (e: unknown) => isAppError(e, 'IMAGE_REF_INVALID'),
    );
  });

  it('parses every prefix', () => {
    assert.equal(parseImageRef('docker:nginx:1').kind, 'docker');
    assert.equal(parseImageRef('registry:nginx').kind, 'registry');
    assert.equal(parseImageRef('nginx:1.25').kind, 'registry');
    assert.equal(parseImageRef('dir:/tmp').kind, 'dir');
    assert.equal(parseImageRef('/tmp').kind, 'dir');
    assert.throws(
      () => parseImageRef('./no/such/path'),
      (e: unknown) => isAppError(e, 'IMAGE_NOT_FOUND'),
    );
  });
});
