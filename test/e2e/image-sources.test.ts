/**
 * End to end: one image built in the test is pushed to real registries (TLS + htpasswd, plain HTTP,
 * TLS + bearer tokens), loaded into a real Docker Engine, and read back through every Corral source.
 * The squashed file list must equal what `umoci unpack` and `docker export` produce for the same image.
 */
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import {
  buildDockerArchive,
  buildOciLayout,
  dockerExportFileList,
  dockerLoad,
  dropDockerInjected,
  ociLayoutToArchive,
  pushToRegistry,
  umociUnpackFileList,
  type FileListEntry,
  type LayerEntry,
} from '../helpers/build-image.js';
import { dockerHost, plainRegistry, registry, tokenRegistry } from '../helpers/env.js';
import { isAppError } from '../../src/errors.js';
import { openImage, squashImage, type FileRef, type ResolveOptions } from '../../src/image/index.js';
import { defaultLimits } from '../../src/image/limits.js';

const limits = defaultLimits();
let work: string;
before(async () => {
  work = await mkdtemp(join(tmpdir(), 'corral-e2e-'));
});
after(async () => {
  await rm(work, { recursive: true, force: true });
});

/** A layer stack exercising whiteouts, opaque dirs, symlinks, hardlinks and replaced files. */
const LAYERS: LayerEntry[] = [
  {
    createdBy: 'ADD rootfs /',
    files: [
      { path: '/etc', type: 'dir' },
      { path: '/etc/os-release', content: 'ID=corraltest\nVERSION_ID=1\n' },
      { path: '/etc/passwd', content: 'root:x:0:0:root:/root:/bin/sh\n' },
      { path: '/bin', type: 'dir' },
      { path: '/bin/busybox', content: 'BusyBox v1.36.1 (2023-06-01) multi-call binary', mode: 0o755 },
      { path: '/bin/sh', type: 'hardlink', target: 'bin/busybox' },
      { path: '/bin/ls', type: 'symlink', target: 'busybox' },
      { path: '/opt', type: 'dir' },
      { path: '/opt/old', type: 'dir' },
      { path: '/opt/old/a.txt', content: 'a' },
      { path: '/opt/old/b.txt', content: 'b' },
      { path: '/var', type: 'dir' },
      { path: '/var/cache', type: 'dir' },
      { path: '/var/cache/apt.bin', content: 'x'.repeat(5000) },
      { path: '/usr', type: 'dir' },
      { path: '/usr/lib', type: 'dir' },
      { path: '/usr/lib/libfoo.so.1', content: 'ELF' },
    ],
  },
  { emptyLayer: true, createdBy: 'ENV APP=1' },
  {
    createdBy: 'RUN rm -rf /var/cache/* /opt/old && mkdir /opt/old && echo new > /opt/old/new.txt',
    compression: 'zstd',
    files: [
      { path: '/var', type: 'dir' },
      { path: '/var/cache', type: 'dir' },
      { path: '/var/cache/apt.bin', type: 'whiteout' },
      { path: '/opt', type: 'dir' },
      { path: '/opt/old', type: 'opaque' },
      { path: '/opt/old', type: 'dir' },
      { path: '/opt/old/new.txt', content: 'new\n' },
      { path: '/etc', type: 'dir' },
      { path: '/etc/os-release', content: 'ID=corraltest\nVERSION_ID=2\n' },
    ],
  },
  {
    createdBy: 'COPY app /app',
    compression: 'none',
    files: [
      { path: '/app', type: 'dir' },
      { path: '/app/run', content: '#!/bin/sh\necho hi\n', mode: 0o755 },
      { path: '/usr', type: 'dir' },
      { path: '/usr/lib', type: 'dir' },
      { path: '/usr/lib/libfoo.so', type: 'symlink', target: 'libfoo.so.1' },
    ],
  },
];

interface Row {
  path: string;
  type: string;
  size: number;
  link?: string;
}

/** Hardlinks are shown as the file they link to; compare path, kind, size and symlink target. */
function fromTruth(entries: readonly FileListEntry[]): Row[] {
  const sizes = new Map(entries.filter((e) => e.type === 'file').map((e) => [e.path, e.size]));
  return entries
    .map((e): Row => {
      if (e.type === 'hardlink')
        return { path: e.path, type: 'file', size: sizes.get(e.linkTarget ?? '') ?? -1 };
      return {
        path: e.path,
        type: e.type,
        size: e.type === 'file' ? e.size : 0,
        ...(e.type === 'symlink' && { link: e.linkTarget }),
      };
    })
    .sort((a, b) => (a.path < b.path ? -1 : 1));
}

function fromView(list: readonly FileRef[]): Row[] {
  return list
    .map((f): Row => ({
      path: f.path,
      type: f.type === 'char' || f.type === 'block' || f.type === 'fifo' ? 'other' : f.type,
      size: f.type === 'file' ? f.size : 0,
      ...(f.type === 'symlink' && { link: f.linkTarget }),
    }))
    .sort((a, b) => (a.path < b.path ? -1 : 1));
}

async function squashedRows(
  ref: string,
  opts: Partial<ResolveOptions> = {},
): Promise<{ rows: Row[]; digest: string | undefined }> {
  const img = await openImage(ref, { limits, ...opts });
  try {
    const { view } = await squashImage(img, { limits });
    const rows = fromView(view.list());
    assert.equal((await view.readFile('/etc/os-release')).toString(), 'ID=corraltest\nVERSION_ID=2\n');
    assert.equal(
      (await view.readFile('/bin/sh')).toString(),
      'BusyBox v1.36.1 (2023-06-01) multi-call binary',
    );
    await view.close();
    return { rows, digest: img.digest };
  } finally {
    await img.close();
  }
}

describe('image sources against real tools', () => {
  let layoutDir: string;
  let truth: Row[];
  let digest: string;

  before(async () => {
    layoutDir = join(work, 'layout');
    const built = await buildOciLayout(layoutDir, { layers: LAYERS, tag: 'v1' });
    digest = built.digest;
    truth = fromTruth(await umociUnpackFileList(layoutDir, 'v1'));
  });

  it('oci-layout and oci-archive equal umoci unpack', async () => {
    const fromLayout = await squashedRows(`oci-layout:${layoutDir}:v1`);
    assert.deepEqual(fromLayout.rows, truth);
    assert.equal(fromLayout.digest, digest);
    const tar = join(work, 'image-oci.tar');
    await ociLayoutToArchive(layoutDir, tar);
    assert.deepEqual((await squashedRows(`oci-archive:${tar}:v1`)).rows, truth);
  });

  it('registry with TLS (custom CA) and basic auth', async (t) => {
    const reg = registry(t);
    if (!reg) return;
    const pushed = await pushToRegistry(layoutDir, 'v1', `${reg.host}/corral/e2e:v1`, {
      creds: reg,
      caFile: reg.caFile,
    });
    const creds = { credentials: { username: reg.user, password: reg.password } };
    const r = await squashedRows(`${reg.host}/corral/e2e:v1`, {
      registry: { caFiles: [reg.caFile], ...creds },
    });
    assert.deepEqual(r.rows, truth);
    assert.equal(r.digest, pushed);
    // by digest too
    assert.deepEqual(
      (
        await squashedRows(`registry:${reg.host}/corral/e2e@${pushed}`, {
          registry: { caFiles: [reg.caFile], ...creds },
        })
      ).rows,
      truth,
    );
    // wrong password and unknown CA are clear failures
    await assert.rejects(
      openImage(`${reg.host}/corral/e2e:v1`, {
        limits,
        registry: { caFiles: [reg.caFile], credentials: { username: reg.user, password: 'wrong' } },
      }),
      (e: unknown) => isAppError(e, 'REGISTRY_AUTH_FAILED'),
    );
    await assert.rejects(openImage(`${reg.host}/corral/e2e:v1`, { limits, registry: creds }), (e: unknown) =>
      isAppError(e, 'REGISTRY_TLS'),
    );
    await assert.rejects(
      openImage(`${reg.host}/corral/none:v1`, { limits, registry: { caFiles: [reg.caFile], ...creds } }),
      (e: unknown) => isAppError(e, 'IMAGE_NOT_FOUND'),
    );
  });

  it('registry over plain HTTP with --insecure, Docker schema 2 manifests and a multi-platform index', async (t) => {
    const reg = plainRegistry(t);
    if (!reg) return;
    const noZstd = LAYERS.map((l) =>
      'compression' in l && l.compression === 'zstd' ? { ...l, compression: 'gzip' as const } : l,
    );
    const multi = join(work, 'multi');
    await buildOciLayout(multi, {
      layers: [],
      tag: 'v1',
      platforms: [
        { os: 'linux', architecture: 'amd64', layers: noZstd },
        {
          os: 'linux',
          architecture: 'arm64',
          variant: 'v8',
          layers: [
            {
              files: [
                { path: '/etc', type: 'dir' },
                { path: '/etc/os-release', content: 'ID=corraltest\nVERSION_ID=2\n' },
                { path: '/bin', type: 'dir' },
                { path: '/bin/sh', content: 'BusyBox v1.36.1 (2023-06-01) multi-call binary' },
              ],
            },
          ],
        },
      ],
    });
    await pushToRegistry(multi, 'v1', `${reg.host}/corral/multi:v1`, { tlsVerify: false });
    // Docker schema 2 (what `docker push` writes): skopeo converts the manifest on the way
    const s2dir = join(work, 'schema2');
    await buildOciLayout(s2dir, { layers: noZstd, tag: 'v1' });
    await pushToRegistry(s2dir, 'v1', `${reg.host}/corral/schema2:v1`, { tlsVerify: false, format: 'v2s2' });
    const s2 = await openImage(`${reg.host}/corral/schema2:v1`, { limits, registry: { insecure: true } });
    assert.equal(s2.manifestMediaType, 'application/vnd.docker.distribution.manifest.v2+json');
    await s2.close();
    const s2rows = await squashedRows(`${reg.host}/corral/schema2:v1`, { registry: { insecure: true } });
    assert.deepEqual(s2rows.rows, truth);
    const arm = await openImage(`${reg.host}/corral/multi:v1`, {
      limits,
      registry: { insecure: true },
      platform: { os: 'linux', architecture: 'arm64' },
    });
    assert.equal(arm.platform.architecture, 'arm64');
    assert.ok(arm.indexDigest);
    assert.equal(arm.layers.length, 1);
    await arm.close();
    const amd = await squashedRows(`${reg.host}/corral/multi:v1`, { registry: { insecure: true } });
    assert.deepEqual(amd.rows, truth);
    await assert.rejects(
      openImage(`${reg.host}/corral/multi:v1`, {
        limits,
        registry: { insecure: true },
        platform: { os: 'windows', architecture: 'amd64' },
      }),
      (e: unknown) => isAppError(e, 'IMAGE_PLATFORM_NOT_FOUND'),
    );
  });

  it('registry with bearer-token auth (WWW-Authenticate challenge flow)', async (t) => {
    const reg = tokenRegistry(t);
    if (!reg) return;
    // the token server (test/helpers/token-server.ts) is started by scripts/test-env.sh on reg.realm
    {
      await pushToRegistry(layoutDir, 'v1', `${reg.host}/corral/token:v1`, {
        creds: reg,
        caFile: reg.caFile,
      });
      const r = await squashedRows(`${reg.host}/corral/token:v1`, {
        registry: { caFiles: [reg.caFile], credentials: { username: reg.user, password: reg.password } },
      });
      assert.deepEqual(r.rows, truth);
      await assert.rejects(
        openImage(`${reg.host}/corral/token:v1`, { limits, registry: { caFiles: [reg.caFile] } }),
        (e: unknown) => isAppError(e, 'REGISTRY_AUTH_FAILED'),
      );
    }
  });

  it('docker daemon and docker-archive equal docker export', async (t) => {
    const host = dockerHost(t);
    if (!host) return;
    const archive = join(work, 'image-docker.tar');
    await buildDockerArchive(archive, { layers: LAYERS, repoTags: ['corral-e2e/app:v1'] });
    await dockerLoad(host, archive);
    const exported = fromTruth(dropDockerInjected(await dockerExportFileList(host, 'corral-e2e/app:v1')));
    assert.deepEqual(exported, truth, 'docker export and umoci unpack agree on the test image');
    const fromArchive = await squashedRows(`docker-archive:${archive}`);
    assert.deepEqual(fromArchive.rows, truth);
    const fromDaemon = await squashedRows('docker:corral-e2e/app:v1', { dockerHost: host });
    assert.deepEqual(fromDaemon.rows, truth);
    await assert.rejects(openImage('docker:corral-e2e/none:v1', { limits, dockerHost: host }), (e: unknown) =>
      isAppError(e, 'IMAGE_NOT_FOUND'),
    );
  });
});

describe('a real Debian root filesystem (debootstrap)', () => {
  it('oci-layout, docker-archive and dir: equal umoci unpack and the extracted tree', async () => {
    const { debootstrapRootfs } = await import('../helpers/build-image.js');
    const { walkFileList } = await import('../helpers/image-tools.js');
    const rootfs = join(work, 'debian-rootfs');
    const { tarFile } = await debootstrapRootfs(rootfs);
    const layout = join(work, 'debian-layout');
    const layers: LayerEntry[] = [
      { tarFile, compression: 'gzip', createdBy: 'ADD debian' },
      {
        createdBy: 'RUN rm -rf /usr/share/doc && rm /etc/debian_version',
        files: [
          { path: '/usr', type: 'dir' },
          { path: '/usr/share', type: 'dir' },
          { path: '/usr/share/doc', type: 'whiteout' },
          { path: '/etc', type: 'dir' },
          { path: '/etc/debian_version', type: 'whiteout' },
        ],
      },
    ];
    await buildOciLayout(layout, { layers, tag: 'v1' });
    const truthRows = fromTruth(await umociUnpackFileList(layout, 'v1'));
    const img = await openImage(`oci-layout:${layout}:v1`, { limits });
    const { view } = await squashImage(img, { limits, wants: (p) => p === '/var/lib/dpkg/status' });
    assert.deepEqual(fromView(view.list()), truthRows);
    assert.match((await view.readFile('/etc/os-release')).toString(), /VERSION_CODENAME=bookworm/);
    assert.match((await view.readFile('/var/lib/dpkg/status')).toString(), /Package: libc6/);
    assert.equal(view.get('/usr/share/doc'), undefined);
    await view.close();
    await img.close();
    // the same tree read in place as a rootfs directory
    const dirImg = await openImage(`dir:${rootfs}`, { limits });
    const dirView = (await squashImage(dirImg, { limits })).view;
    assert.deepEqual(fromView(dirView.list()), fromTruth(await walkFileList(rootfs)));
    assert.match((await dirView.readFile('/etc/os-release')).toString(), /ID=debian/);
    await dirView.close();
  });
});
