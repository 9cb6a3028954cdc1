/**
 * The image builder is checked against the reference tools, never against itself: umoci and skopeo
 * must read every layout, docker must load every archive, and the filesystems that umoci and docker
 * unpack must be the ones the spec describes.
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdtemp, readdir, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { gunzipSync } from 'node:zlib';
import {
  buildDockerArchive,
  buildOciLayout,
  debootstrapRootfs,
  dockerExportFileList,
  dockerLoad,
  dropDockerInjected,
  layerTarBuffer,
  listTarStream,
  ociLayoutToArchive,
  pushToRegistry,
  runTool,
  umociUnpackFileList,
  type FileListEntry,
  type LayerEntry,
} from './build-image.js';
import { dockerHost, plainRegistry, registry, tokenRegistry } from './env.js';

let work: string;
before(async () => {
  work = await mkdtemp(join(tmpdir(), 'corral-build-image-'));
});
after(async () => {
  await rm(work, { recursive: true, force: true });
});

let seq = 0;
const newDir = (name: string): string => join(work, `${name}-${++seq}`);

/** Every file type and compression, an empty layer, whiteouts and an opaque dir. */
const LAYERS: LayerEntry[] = [
  {
    createdBy: 'ADD rootfs.tar /',
    files: [
      { path: '/bin/', type: 'dir' },
      { path: '/bin/busybox', content: 'BUSYBOX', mode: 0o755 },
      { path: '/bin/sh', type: 'hardlink', target: '/bin/busybox' },
      { path: '/lib', type: 'symlink', target: 'usr/lib' },
      { path: '/usr/', type: 'dir' },
      { path: '/usr/lib/', type: 'dir' },
      { path: '/etc/', type: 'dir' },
      { path: '/etc/os-release', content: 'ID=corral\n' },
      { path: '/etc/shadow', content: 'root:*:1::::::\n', mode: 0o640, gid: 42 },
      { path: '/opt/', type: 'dir' },
      { path: '/opt/old', content: 'old' },
    ],
  },
  { emptyLayer: true, createdBy: 'ENV A=1' },
  {
    createdBy: 'RUN rm /etc/shadow && replace /opt',
    compression: 'zstd',
    files: [
      { path: '/etc/shadow', type: 'whiteout' },
      { path: '/opt', type: 'opaque' },
      { path: '/opt/new', content: 'new', uid: 1000, gid: 1000 },
    ],
  },
  {
    createdBy: 'COPY app /app',
    compression: 'none',
    files: [
      { path: '/app/', type: 'dir' },
      { path: '/app/run', content: 'x' },
    ],
  },
];

/** What a correct unpacker must produce from {@link LAYERS}. */
const EXPECTED: Array<Pick<FileListEntry, 'path' | 'type'> & Partial<FileListEntry>> = [
  { path: '/app', type: 'dir' },
  { path: '/app/run', type: 'file', size: 1 },
  { path: '/bin', type: 'dir' },
  { path: '/bin/busybox', type: 'file', size: 7, mode: 0o755 },
  { path: '/bin/sh', type: 'hardlink', linkTarget: '/bin/busybox' },
  { path: '/etc', type: 'dir' },
  { path: '/etc/os-release', type: 'file', size: 10 },
  { path: '/lib', type: 'symlink', linkTarget: 'usr/lib' },
  { path: '/opt', type: 'dir' },
  { path: '/opt/new', type: 'file', size: 3, uid: 1000, gid: 1000 },
  { path: '/usr', type: 'dir' },
  { path: '/usr/lib', type: 'dir' },
];

function assertMatches(actual: FileListEntry[], expected: typeof EXPECTED): void {
  assert.deepEqual(
    actual.map((e) => e.path),
    expected.map((e) => e.path),
  );
  for (const [i, want] of expected.entries()) {
    const got = actual[i]!;
    for (const [key, value] of Object.entries(want)) {
      assert.deepEqual(got[key as keyof FileListEntry], value, `${want.path}: ${key}`);
    }
  }
}

async function sha256File(path: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return `sha256:${hash.digest('hex')}`;
}

async function skopeoInspect(ref: string, ...args: string[]): Promise<Record<string, unknown>> {
  const { stdout } = await runTool('skopeo', ['inspect', ...args, ref]);
  return JSON.parse(stdout) as Record<string, unknown>;
}

describe('buildOciLayout', () => {
  it('writes a layout that umoci and skopeo read, with history and diff_ids', async () => {
    const dir = newDir('oci');
    const image = await buildOciLayout(dir, {
      tag: 'v1',
      layers: LAYERS,
      config: { config: { Cmd: ['/bin/sh'] } },
    });

    const { stdout } = await runTool('umoci', ['stat', '--json', '--image', `${dir}:v1`]);
    const history = (JSON.parse(stdout) as { history: Array<{ created_by: string; empty_layer?: boolean }> })
      .history;
    assert.deepEqual(
      history.map((h) => [h.created_by, h.empty_layer ?? false]),
      [
        ['ADD rootfs.tar /', false],
        ['ENV A=1', true],
        ['RUN rm /etc/shadow && replace /opt', false],
        ['COPY app /app', false],
      ],
    );

    const inspected = await skopeoInspect(`oci:${dir}:v1`);
    assert.equal(inspected.Digest, image.digest);
    assert.equal(inspected.Architecture, 'amd64');
    assert.equal(inspected.Os, 'linux');
    const m = image.manifests[0]!;
    assert.deepEqual(
      inspected.Layers,
      m.layers.map((l) => l.digest),
    );
    assert.deepEqual(
      m.layers.map((l) => l.mediaType),
      [
        'application/vnd.oci.image.layer.v1.tar+gzip',
        'application/vnd.oci.image.layer.v1.tar+zstd',
        'application/vnd.oci.image.layer.v1.tar',
      ],
    );
    assert.deepEqual(m.config.config.Cmd, ['/bin/sh']);

    const index = JSON.parse(await readFile(join(dir, 'index.json'), 'utf8')) as {
      manifests: Array<{ digest: string; annotations: Record<string, string> }>;
    };
    assert.equal(index.manifests[0]!.annotations['org.opencontainers.image.ref.name'], 'v1');
    const layoutFile = JSON.parse(await readFile(join(dir, 'oci-layout'), 'utf8')) as {
      imageLayoutVersion: string;
    };
    assert.equal(layoutFile.imageLayoutVersion, '1.0.0');
  });

  it('names every blob by its digest and records the uncompressed digest as diff_id', async () => {
    const dir = newDir('digests');
    const image = await buildOciLayout(dir, { layers: LAYERS });
    const blobs = join(dir, 'blobs', 'sha256');
    for (const name of await readdir(blobs)) {
      assert.equal(await sha256File(join(blobs, name)), `sha256:${name}`);
    }
    const [gz, zst, plain] = image.manifests[0]!.layers;
    const gzBytes = gunzipSync(await readFile(join(blobs, gz!.digest.slice(7))));
    assert.equal(`sha256:${createHash('sha256').update(gzBytes).digest('hex')}`, gz!.diffId);
    const { stdout } = await runTool('sh', [
      '-c',
      `zstd -dc ${join(blobs, zst!.digest.slice(7))} | sha256sum`,
    ]);
    assert.equal(`sha256:${stdout.split(' ')[0]}`, zst!.diffId);
    assert.equal(plain!.digest, plain!.diffId);
    assert.deepEqual(
      image.manifests[0]!.config.rootfs.diff_ids,
      image.manifests[0]!.layers.map((l) => l.diffId),
    );
  });

  it('is deterministic and keeps other tags in the same layout', async () => {
    const dir = newDir('tags');
    const a = await buildOciLayout(dir, { tag: 'a', layers: LAYERS });
    const b = await buildOciLayout(dir, { tag: 'b', layers: LAYERS.slice(0, 1) });
    const again = await buildOciLayout(newDir('again'), { tag: 'a', layers: LAYERS });
    assert.equal(again.digest, a.digest);
    assert.equal((await skopeoInspect(`oci:${dir}:a`)).Digest, a.digest);
    assert.equal((await skopeoInspect(`oci:${dir}:b`)).Digest, b.digest);
  });

  it('unpacks with umoci to the filesystem the spec describes (whiteouts, opaque dirs, links)', async () => {
    const dir = newDir('umoci');
    await buildOciLayout(dir, { tag: 't', layers: LAYERS });
    assertMatches(await umociUnpackFileList(dir, 't'), EXPECTED);
  });

  it('writes an image index for several platforms', async () => {
    const dir = newDir('multi');
    const image = await buildOciLayout(dir, {
      tag: 'multi',
      layers: LAYERS.slice(0, 1),
      platforms: [
        { os: 'linux', architecture: 'amd64' },
        {
          os: 'linux',
          architecture: 'arm64',
          variant: 'v8',
          layers: [{ files: [{ path: '/arch', content: 'arm64' }] }],
          config: { config: { Labels: { arch: 'arm64' } } },
        },
      ],
    });
    assert.equal(image.mediaType, 'application/vnd.oci.image.index.v1+json');
    const raw = JSON.parse((await runTool('skopeo', ['inspect', '--raw', `oci:${dir}:multi`])).stdout) as {
      manifests: Array<{ digest: string; platform: unknown }>;
    };
    assert.deepEqual(
      raw.manifests.map((m) => m.platform),
      [
        { os: 'linux', architecture: 'amd64' },
        { os: 'linux', architecture: 'arm64', variant: 'v8' },
      ],
    );
    const arm = await skopeoInspect(
      `oci:${dir}:multi`,
      '--override-arch',
      'arm64',
      '--override-variant',
      'v8',
    );
    assert.equal(arm.Architecture, 'arm64');
    assert.deepEqual(arm.Labels, { arch: 'arm64' });
    assert.deepEqual(arm.Layers, [image.manifests[1]!.layers[0]!.digest]);
  });

  it('writes Docker schema2 media types on request', async () => {
    // skopeo 1.9 and umoci 0.4 only look up OCI-typed index.json entries, so check the JSON directly.
    const dir = newDir('docker-types');
    const image = await buildOciLayout(dir, { layers: LAYERS.slice(0, 2), mediaTypes: 'docker' });
    const blob = async (digest: string): Promise<Record<string, unknown>> =>
      JSON.parse(await readFile(join(dir, 'blobs', 'sha256', digest.slice(7)), 'utf8')) as Record<
        string,
        unknown
      >;
    const manifest = (await blob(image.digest)) as {
      mediaType: string;
      config: { mediaType: string; digest: string };
      layers: Array<{ mediaType: string; digest: string }>;
    };
    assert.equal(manifest.mediaType, 'application/vnd.docker.distribution.manifest.v2+json');
    assert.equal(manifest.config.mediaType, 'application/vnd.docker.container.image.v1+json');
    assert.deepEqual(
      manifest.layers.map((l) => l.mediaType),
      ['application/vnd.docker.image.rootfs.diff.tar.gzip'],
    );
    assert.deepEqual(((await blob(manifest.config.digest)) as { rootfs: unknown }).rootfs, {
      type: 'layers',
      diff_ids: [image.manifests[0]!.layers[0]!.diffId],
    });
    await assert.rejects(buildOciLayout(newDir('bad'), { layers: LAYERS, mediaTypes: 'docker' }), /zstd/);
  });

  it('writes hostile tar names verbatim when they do not start with "/"', async () => {
    const tar = await layerTarBuffer([
      { path: './etc/passwd', content: 'x' },
      { path: '../escape', content: 'y' },
      { path: '/ok', type: 'symlink', target: '/../../etc/shadow' },
    ]);
    const names: string[] = [];
    const { extract } = await import('tar-stream');
    const ex = extract();
    ex.end(tar);
    for await (const entry of ex) {
      names.push(`${entry.header.name}|${entry.header.linkname ?? ''}`);
      entry.resume();
    }
    assert.deepEqual(names, ['./etc/passwd|', '../escape|', 'ok|/../../etc/shadow']);
  });
});

describe('archives', () => {
  it('ociLayoutToArchive writes an oci-archive skopeo reads', async () => {
    const dir = newDir('layout');
    const image = await buildOciLayout(dir, { tag: 'v1', layers: LAYERS });
    const file = join(work, 'image.oci.tar');
    await ociLayoutToArchive(dir, file);
    assert.equal((await skopeoInspect(`oci-archive:${file}:v1`)).Digest, image.digest);
  });

  it('buildDockerArchive writes a multi-image docker save tarball, plain or gzipped', async () => {
    for (const gzip of [false, true]) {
      const file = join(work, `save-${gzip}.tar`);
      const built = await buildDockerArchive(
        file,
        [
          { layers: LAYERS, repoTags: ['corral.test/a:1', 'corral.test/a:latest'] },
          { layers: LAYERS.slice(0, 1), repoTags: ['corral.test/b:1'] },
        ],
        { gzip },
      );
      assert.equal(built.images[0]!.layers[0]!.id, built.images[1]!.layers[0]!.id, 'shared base layer');
      // skopeo 1.9 cannot read gzipped docker archives (docker load can: see below).
      const plain = gzip ? join(work, 'gunzipped.tar') : file;
      if (gzip) await runTool('sh', ['-c', `gunzip -c '${file}' > '${plain}'`]);
      const a = await skopeoInspect(`docker-archive:${plain}:corral.test/a:1`);
      assert.equal(a.Digest !== undefined, true);
      assert.equal((a.Layers as string[]).length, 3);
      const b = await skopeoInspect(`docker-archive:${plain}:corral.test/b:1`);
      assert.equal((b.Layers as string[]).length, 1);
    }
    const listing = await listTarStream(createReadStream(join(work, 'save-false.tar')));
    const names = listing.map((e) => e.path);
    assert.ok(names.includes('/manifest.json') && names.includes('/repositories'));
    assert.ok(names.some((n) => n.endsWith('/layer.tar')));
  });

  it('docker loads the archive and exports the same filesystem umoci unpacks', async (t) => {
    const host = dockerHost(t);
    if (!host) return;
    const file = join(work, 'load.tar.gz');
    await buildDockerArchive(
      file,
      [
        { layers: LAYERS, repoTags: ['corral.test/load:1'] },
        { layers: LAYERS.slice(0, 1), repoTags: ['corral.test/load-base:1'] },
      ],
      { gzip: true },
    );
    assert.deepEqual((await dockerLoad(host, file)).sort(), [
      'corral.test/load-base:1',
      'corral.test/load:1',
    ]);
    const exported = await dockerExportFileList(host, 'corral.test/load:1');
    assertMatches(exported, EXPECTED);

    const dir = newDir('cmp');
    await buildOciLayout(dir, { tag: 't', layers: LAYERS });
    const unpacked = dropDockerInjected(await umociUnpackFileList(dir, 't'));
    assert.deepEqual(exported, unpacked);

    const raw = await dockerExportFileList(host, 'corral.test/load-base:1', { keepDockerInjected: true });
    assert.ok(raw.some((e) => e.path === '/.dockerenv'));
    assert.ok(raw.some((e) => e.path === '/proc'));
    await runTool('docker', ['-H', host, 'rmi', 'corral.test/load:1', 'corral.test/load-base:1']);
  });
});

describe('pushToRegistry', () => {
  it('pushes to the TLS + basic-auth registry', async (t) => {
    const reg = registry(t);
    if (!reg) return;
    const dir = newDir('push-a');
    const image = await buildOciLayout(dir, { tag: 'v1', layers: LAYERS });
    const ref = `${reg.host}/helpers/push:v1`;
    assert.equal(await pushToRegistry(dir, 'v1', ref, { creds: reg, caFile: reg.caFile }), image.digest);
    await assert.rejects(
      pushToRegistry(dir, 'v1', ref, { creds: { user: reg.user, password: 'wrong' }, caFile: reg.caFile }),
      /unauthorized|authentication required/i,
    );
  });

  it('pushes a multi-platform index to the plain-HTTP registry', async (t) => {
    const reg = plainRegistry(t);
    if (!reg) return;
    const dir = newDir('push-b');
    const image = await buildOciLayout(dir, {
      tag: 'multi',
      layers: LAYERS.slice(0, 1),
      platforms: [
        { os: 'linux', architecture: 'amd64' },
        { os: 'linux', architecture: 'arm64' },
      ],
    });
    assert.equal(
      await pushToRegistry(dir, 'multi', `${reg.host}/helpers/multi:1`, { tlsVerify: false }),
      image.digest,
    );
    const raw = await runTool('skopeo', [
      'inspect',
      '--raw',
      '--tls-verify=false',
      `docker://${reg.host}/helpers/multi:1`,
    ]);
    assert.equal((JSON.parse(raw.stdout) as { manifests: unknown[] }).manifests.length, 2);
  });

  it('pushes to the token-auth registry, converting to Docker schema2', async (t) => {
    const reg = tokenRegistry(t);
    if (!reg) return;
    const dir = newDir('push-c');
    await buildOciLayout(dir, {
      tag: 'v1',
      layers: LAYERS.filter((l) => !('compression' in l && l.compression === 'zstd')),
    });
    await pushToRegistry(dir, 'v1', `${reg.host}/helpers/token:v1`, {
      creds: reg,
      caFile: reg.caFile,
      format: 'v2s2',
    });
    const certDir = await mkdtemp(join(work, 'certs-'));
    await runTool('cp', [reg.caFile, join(certDir, 'ca.crt')]);
    const raw = await runTool('skopeo', [
      'inspect',
      '--raw',
      '--cert-dir',
      certDir,
      '--creds',
      `${reg.user}:${reg.password}`,
      `docker://${reg.host}/helpers/token:v1`,
    ]);
    assert.equal(
      (JSON.parse(raw.stdout) as { mediaType: string }).mediaType,
      'application/vnd.docker.distribution.manifest.v2+json',
    );
  });
});

describe('debootstrapRootfs', () => {
  it('extracts a cached minbase bookworm rootfs usable as a layer', { timeout: 20 * 60 * 1000 }, async () => {
    const { rootfs, tarFile } = await debootstrapRootfs(newDir('rootfs'));
    assert.match(await readFile(join(rootfs, 'etc/debian_version'), 'utf8'), /^12\./);
    assert.ok((await stat(join(rootfs, 'var/lib/dpkg/status'))).size > 10_000);
    const dir = newDir('deb-image');
    const image = await buildOciLayout(dir, {
      layers: [{ tarFile, createdBy: 'debootstrap', compression: 'none' }],
    });
    assert.equal((await skopeoInspect(`oci:${dir}:latest`)).Digest, image.digest);
  });
});
