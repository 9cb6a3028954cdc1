import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { gzipSync } from 'node:zlib';
import { buildOciLayout, type FileSpec, type LayerSpec } from '../../test/helpers/build-image.js';
import { isAppError } from '../errors.js';
import { openImage } from './index.js';
import { defaultLimits, MiB } from './limits.js';
import { squashImage } from './squash.js';
import type { Image } from './types.js';

let work: string;
before(async () => {
  work = await mkdtemp(join(tmpdir(), 'corral-squash-'));
});
after(async () => {
  await rm(work, { recursive: true, force: true });
});

let seq = 0;
async function layout(
  layers: LayerSpec[],
  extra: Parameters<typeof buildOciLayout>[1] extends infer S ? Partial<S> : never = {},
) {
  const dir = join(work, `img${++seq}`);
  const built = await buildOciLayout(dir, { layers, ...extra });
  return { dir, built };
}

async function open(dir: string, limits = defaultLimits()): Promise<Image> {
  return openImage(`oci-layout:${dir}`, { limits });
}

async function expectCode(p: Promise<unknown>, code: string): Promise<void> {
  await assert.rejects(p, (err: unknown) => {
    assert.ok(isAppError(err), `expected AppError, got ${String(err)}`);
    assert.equal(err.code, code, err.message);
    return true;
  });
}

const f = (path: string, content = path): FileSpec => ({ path, content });
const d = (path: string): FileSpec => ({ path, type: 'dir' });

describe('squashed file view', () => {
  it('applies whiteouts and opaque directories to lower layers only', async () => {
    const { dir } = await layout([
      {
        files: [
          d('/a'),
          f('/a/x'),
          f('/a/y'),
          d('/b'),
          f('/b/old'),
          d('/b/sub'),
          f('/b/sub/deep'),
          d('/c'),
          f('/c/keep'),
        ],
      },
      {
        files: [{ path: '/a/x', type: 'whiteout' }, { path: '/b', type: 'opaque' }, f('/b/new'), f('/c/new')],
      },
    ]);
    const img = await open(dir);
    const { view } = await squashImage(img, { limits: defaultLimits() });
    const files = view
      .list()
      .filter((e) => e.type === 'file')
      .map((e) => `${e.path}@${e.layerIndex}`);
    assert.deepEqual(files, ['/a/y@0', '/b/new@1', '/c/keep@0', '/c/new@1']);
    assert.equal(view.get('/a/x'), undefined);
    assert.equal(view.get('/b/sub/deep'), undefined);
    await view.close();
    await img.close();
  });

  it('reads wanted files during the pass and any other file lazily, for every compression', async () => {
    for (const compression of ['gzip', 'zstd', 'none'] as const) {
      const { dir } = await layout([
        { files: [d('/etc'), f('/etc/os-release', 'ID=test\n'), f('/etc/other', 'other')], compression },
        { files: [d('/etc'), f('/etc/os-release', 'ID=upper\n')], compression },
      ]);
      const img = await open(dir);
      const { view } = await squashImage(img, {
        limits: defaultLimits(),
        wants: (p) => p === '/etc/os-release',
      });
      assert.equal((await view.readFile('/etc/os-release')).toString(), 'ID=upper\n', compression);
      assert.equal(view.get('/etc/os-release')?.layerIndex, 1);
      assert.equal((await view.readFile('/etc/other')).toString(), 'other', `${compression} lazy`);
      await view.close();
      await img.close();
    }
  });

  it('keeps one copy of a wanted body that a later layer rewrites unchanged', async () => {
    const { dir } = await layout([
      { files: [d('/etc'), f('/etc/same', 'same\n'), f('/etc/changed', 'v1\n')] },
      { files: [d('/etc'), f('/etc/same', 'same\n'), f('/etc/changed', 'v2\n')] },
    ]);
    const img = await open(dir);
    const { view } = await squashImage(img, { limits: defaultLimits(), wants: () => true });
    const [sameOld, sameNew] = view.versions('/etc/same');
    assert.equal(sameNew?.layerIndex, 1);
    assert.equal(await sameNew.read(), await sameOld!.read(), 'identical bodies share one buffer');
    assert.equal(view.store.memoryBytes, 'same\n'.length + 2 * 'v1\n'.length);
    const changed = await Promise.all(
      view.versions('/etc/changed').map(async (v) => (await v.read()).toString()),
    );
    assert.deepEqual(changed, ['v1\n', 'v2\n']);
    await view.close();
    await img.close();
  });

  it('resolves symlinks inside the image root only', async () => {
    const { dir } = await layout([
      {
        files: [
          d('/etc'),
          f('/etc/shadow', 'image shadow'),
          d('/usr'),
          d('/usr/lib'),
          f('/usr/lib/os-release', 'ID=x'),
          { path: '/etc/os-release', type: 'symlink', target: '../usr/lib/os-release' },
          d('/bin'),
          { path: '/bin/abs', type: 'symlink', target: '/../../../../etc/shadow' },
          { path: '/bin/rel', type: 'symlink', target: '../../../../../../etc/shadow' },
          { path: '/bin/dirlink', type: 'symlink', target: '/usr' },
        ],
      },
    ]);
    const img = await open(dir);
    const { view } = await squashImage(img, { limits: defaultLimits() });
    assert.equal((await view.readFile('/etc/os-release')).toString(), 'ID=x');
    assert.equal(view.get('/etc/os-release')?.realPath, '/usr/lib/os-release');
    assert.equal((await view.readFile('/bin/abs')).toString(), 'image shadow');
    assert.equal((await view.readFile('/bin/rel')).toString(), 'image shadow');
    assert.equal((await view.readFile('/bin/dirlink/lib/os-release')).toString(), 'ID=x');
    assert.equal(view.lstat('/bin/abs')?.type, 'symlink');
    await view.close();
    await img.close();
  });

  it('detects symlink loops', async () => {
    const { dir } = await layout([
      {
        files: [
          { path: '/a', type: 'symlink', target: 'b' },
          { path: '/b', type: 'symlink', target: '/a' },
          { path: '/self', type: 'symlink', target: 'self/x' },
        ],
      },
    ]);
    const img = await open(dir);
    const { view } = await squashImage(img, { limits: defaultLimits() });
    assert.throws(
      () => view.get('/a'),
      (e: unknown) => isAppError(e, 'IMAGE_SYMLINK_LOOP'),
    );
    assert.throws(
      () => view.get('/self'),
      (e: unknown) => isAppError(e, 'IMAGE_SYMLINK_LOOP'),
    );
    await view.close();
    await img.close();
  });

  it('ignores entries that climb out of the root and reports them', async () => {
    const { dir } = await layout([
      { files: [d('/etc'), f('/etc/passwd', 'root:x:0:0')] },
      {
        files: [
          { path: '../../etc/passwd', content: 'evil' },
          { path: './a/../../../x', content: 'evil' },
          f('/ok'),
        ],
      },
    ]);
    const img = await open(dir);
    const { view } = await squashImage(img, { limits: defaultLimits() });
    assert.equal((await view.readFile('/etc/passwd')).toString(), 'root:x:0:0');
    assert.equal(view.get('/etc/passwd')?.layerIndex, 0);
    assert.deepEqual(
      view.warnings.map((w) => [w.code, w.layerIndex]),
      [
        ['IMAGE_PATH_TRAVERSAL', 1],
        ['IMAGE_PATH_TRAVERSAL', 1],
      ],
    );
    assert.ok(view.get('/ok'));
    await view.close();
    await img.close();
  });

  it('presents hard links as the file they link to', async () => {
    const { dir } = await layout([
      {
        files: [
          d('/bin'),
          f('/bin/busybox', 'BUSYBOX v1.36.1'),
          { path: '/bin/sh', type: 'hardlink', target: 'bin/busybox' },
        ],
      },
      {
        files: [
          d('/sbin'),
          { path: '/sbin/init', type: 'hardlink', target: 'bin/busybox' },
          { path: '/sbin/gone', type: 'hardlink', target: 'nope' },
        ],
      },
    ]);
    const img = await open(dir);
    const { view } = await squashImage(img, { limits: defaultLimits(), wants: (p) => p === '/bin/sh' });
    assert.equal((await view.readFile('/bin/sh')).toString(), 'BUSYBOX v1.36.1');
    assert.equal(view.get('/bin/sh')?.type, 'file');
    assert.equal(view.get('/bin/sh')?.size, 15);
    // a link to a lower-layer file works; one to nothing is reported and kept as an empty file
    assert.equal((await view.readFile('/sbin/init')).toString(), 'BUSYBOX v1.36.1');
    assert.equal(view.get('/sbin/init')?.layerIndex, 1);
    assert.equal(view.warnings.length, 1);
    assert.equal(view.warnings[0]?.path, '/sbin/gone');
    assert.equal(view.warnings[0]?.code, 'IMAGE_HARDLINK_DANGLING');
    await view.close();
    await img.close();
  });

  it('globs over the squashed paths', async () => {
    const { dir } = await layout([
      {
        files: [
          d('/app'),
          d('/app/node_modules'),
          d('/app/node_modules/a'),
          f('/app/node_modules/a/package.json', '{}'),
          d('/app/node_modules/@s'),
          d('/app/node_modules/@s/b'),
          f('/app/node_modules/@s/b/package.json', '{}'),
          { path: '/app/link', type: 'symlink', target: '/app' },
        ],
      },
    ]);
    const img = await open(dir);
    const { view } = await squashImage(img, { limits: defaultLimits() });
    const hits = view.glob('**/node_modules/**/package.json').map((x) => x.path);
    assert.deepEqual(hits, ['/app/node_modules/@s/b/package.json', '/app/node_modules/a/package.json']);
    await view.close();
    await img.close();
  });
});

describe('hostile layers', () => {
  it('stops a gzip bomb by compression ratio', async () => {
    const { dir } = await layout([{ files: [{ path: '/zero', content: Buffer.alloc(100 * MiB) }] }]);
    const img = await open(dir);
    await expectCode(squashImage(img, { limits: defaultLimits() }), 'IMAGE_LIMIT_EXCEEDED');
    await img.close();
  });

  it('stops a layer above the per-layer cap', async () => {
    const { dir } = await layout([{ files: [{ path: '/big', content: Buffer.alloc(3 * MiB, 7) }] }]);
    const img = await open(dir);
    await expectCode(
      squashImage(img, { limits: defaultLimits({ maxLayerBytes: 2 * MiB }) }),
      'IMAGE_LIMIT_EXCEEDED',
    );
    await img.close();
  });

  it('rejects a layer whose bytes do not match the descriptor digest', async () => {
    const { dir, built } = await layout([{ files: [f('/a', 'original')] }]);
    const layerDigest = built.manifests[0]!.layers[0]!.digest;
    const other = await layout([{ files: [f('/a', 'tampered')] }]);
    const otherBlob = join(other.dir, 'blobs/sha256', other.built.manifests[0]!.layers[0]!.digest.slice(7));
    await writeFile(join(dir, 'blobs/sha256', layerDigest.slice(7)), await readFile(otherBlob));
    const img = await open(dir);
    await expectCode(squashImage(img, { limits: defaultLimits() }), 'IMAGE_LAYER_DIGEST_MISMATCH');
    await img.close();
  });

  it('reports a truncated layer as corrupt, naming the layer', async () => {
    for (const compression of ['gzip', 'none'] as const) {
      const content = randomBytes(256 * 1024); // incompressible, so the cut lands inside the data
      const { dir, built } = await layout([{ files: [{ path: '/data', content }], compression }]);
      const m = built.manifests[0]!;
      const blobFile = join(dir, 'blobs/sha256', m.layers[0]!.digest.slice(7));
      const truncated = (await readFile(blobFile)).subarray(0, 100_000);
      // Re-point the manifest at the truncated blob so that only truncation, not the digest, is wrong.
      const { computeDigest } = await import('./layer/digest.js');
      const newDigest = computeDigest(truncated);
      await writeFile(join(dir, 'blobs/sha256', newDigest.slice(7)), truncated);
      const manifestFile = join(dir, 'blobs/sha256', m.digest.slice(7));
      const manifest = JSON.parse(await readFile(manifestFile, 'utf8')) as {
        layers: { digest: string; size: number }[];
      };
      manifest.layers[0]!.digest = newDigest;
      manifest.layers[0]!.size = truncated.length;
      const mBytes = Buffer.from(JSON.stringify(manifest));
      const mDigest = computeDigest(mBytes);
      await writeFile(join(dir, 'blobs/sha256', mDigest.slice(7)), mBytes);
      const index = JSON.parse(await readFile(join(dir, 'index.json'), 'utf8')) as {
        manifests: { digest: string; size: number }[];
      };
      index.manifests[0]!.digest = mDigest;
      index.manifests[0]!.size = mBytes.length;
      await writeFile(join(dir, 'index.json'), JSON.stringify(index));
      const img = await open(dir);
      await assert.rejects(squashImage(img, { limits: defaultLimits() }), (err: unknown) => {
        assert.ok(isAppError(err, 'IMAGE_LAYER_CORRUPT'), `${compression}: ${String(err)}`);
        assert.match(err.message, new RegExp(newDigest));
        return true;
      });
      await img.close();
    }
  });

  it('treats garbage as a corrupt layer', async () => {
    const { dir, built } = await layout([{ files: [f('/a')], compression: 'none' }]);
    const m = built.manifests[0]!;
    const junk = gzipSync(Buffer.from('this is not a tar archive at all'.repeat(40)));
    const { computeDigest } = await import('./layer/digest.js');
    const digest = computeDigest(junk);
    await writeFile(join(dir, 'blobs/sha256', digest.slice(7)), junk);
    const manifestFile = join(dir, 'blobs/sha256', m.digest.slice(7));
    const manifest = JSON.parse(await readFile(manifestFile, 'utf8')) as {
      layers: { digest: string; size: number }[];
    };
    manifest.layers[0]!.digest = digest;
    const mBytes = Buffer.from(JSON.stringify(manifest));
    const mDigest = computeDigest(mBytes);
    await writeFile(join(dir, 'blobs/sha256', mDigest.slice(7)), mBytes);
    await writeFile(
      join(dir, 'index.json'),
      JSON.stringify({
        schemaVersion: 2,
        manifests: [
          { mediaType: 'application/vnd.oci.image.manifest.v1+json', digest: mDigest, size: mBytes.length },
        ],
      }),
    );
    const img = await open(dir);
    await expectCode(squashImage(img, { limits: defaultLimits() }), 'IMAGE_LAYER_CORRUPT');
    await img.close();
  });
});

describe('limits', () => {
  it('caps tar entries per layer', async () => {
    const files: FileSpec[] = Array.from({ length: 50 }, (_, i) => f(`/f${i}`));
    const { dir } = await layout([{ files }]);
    const img = await open(dir);
    await expectCode(
      squashImage(img, { limits: defaultLimits({ maxEntriesPerLayer: 10 }) }),
      'IMAGE_LIMIT_EXCEEDED',
    );
    await img.close();
  });

  it('caps manifest and config sizes', async () => {
    const { dir } = await layout([{ files: [f('/a')] }]);
    await expectCode(open(dir, defaultLimits({ maxManifestBytes: 64 })), 'IMAGE_LIMIT_EXCEEDED');
  });

  it('caps the total size of all layers together', async () => {
    const big = (name: string): LayerSpec => ({ files: [{ path: name, content: randomBytes(600 * 1024) }] });
    const { dir } = await layout([big('/a'), big('/b')]);
    const img = await open(dir);
    await expectCode(
      squashImage(img, { limits: defaultLimits({ maxTotalBytes: 1 * MiB }) }),
      'IMAGE_LIMIT_EXCEEDED',
    );
    await img.close();
  });

  it('refuses to read a file above the file cap but still lists it', async () => {
    const { dir } = await layout([{ files: [{ path: '/big', content: Buffer.alloc(2 * MiB, 1) }] }]);
    const img = await open(dir);
    const { view } = await squashImage(img, {
      limits: defaultLimits({ maxFileBytes: MiB }),
      wants: () => true,
    });
    assert.equal(view.get('/big')?.size, 2 * MiB);
    assert.equal(view.warnings[0]?.code, 'IMAGE_FILE_TOO_LARGE');
    await expectCode(view.readFile('/big'), 'IMAGE_LIMIT_EXCEEDED');
    await view.close();
    await img.close();
  });

  it('spills wanted files above the buffer cap to disk and reads them back', async () => {
    const content = randomBytes(3 * MiB);
    const { dir } = await layout([{ files: [{ path: '/spill', content }] }]);
    const img = await open(dir);
    const { view } = await squashImage(img, {
      limits: defaultLimits({ maxBufferedFileBytes: MiB }),
      wants: () => true,
    });
    assert.equal(view.store.memoryBytes, 0);
    assert.ok((await view.readFile('/spill')).equals(content));
    await view.close();
    await img.close();
  });
});
