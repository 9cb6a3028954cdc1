import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { after, before, describe, test } from 'node:test';
import {
  blobOf,
  buildIndex,
  buildTestImage,
  gzipTar,
  makeTlsMaterial,
  startBlobStore,
  startLoopbackRegistry,
  type AuthMode,
  type Fault,
  type LoopbackRegistry,
  type TestImage,
} from '../../../test/helpers/loopback-registry.js';
import { isAppError, type ErrorCode } from '../../errors.js';
import { defaultLimits } from '../limits.js';
import type { Image, ProgressEvent, RegistryOptions, ResolveOptions } from '../types.js';
import { registrySource } from './registry.js';

/** Fast retries; `insecure` makes the client fall back to the loopback server's plain HTTP. */
const FAST: RegistryOptions = { insecure: true, retryBaseMs: 2, retries: 4 };

function options(registry: RegistryOptions = {}, extra: Partial<ResolveOptions> = {}): ResolveOptions {
  return { limits: defaultLimits(), registry: { ...FAST, ...registry }, ...extra };
}

async function rejectsWithCode(p: Promise<unknown>, code: ErrorCode): Promise<void> {
  await assert.rejects(p, (err: unknown) => {
    assert.ok(isAppError(err), `expected AppError ${code}, got ${String(err)}`);
    assert.equal(err.code, code, `message: ${err.message}`);
    return true;
  });
}

async function readAll(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of stream as AsyncIterable<Buffer>) chunks.push(c);
  return Buffer.concat(chunks);
}

async function withImage<T>(image: Image, fn: (image: Image) => T | Promise<T>): Promise<T> {
  try {
    return await fn(image);
  } finally {
    await image.close();
  }
}

function fault(
  path: RegExp,
  times: number,
  respond: (req: IncomingMessage, res: ServerResponse, next: () => void) => void,
): Fault {
  return { match: (req) => path.test(req.url ?? ''), times, respond };
}

function sha256(b: Buffer): string {
  return `sha256:${createHash('sha256').update(b).digest('hex')}`;
}

async function registryWith(
  auth: AuthMode = { kind: 'none' },
): Promise<{ reg: LoopbackRegistry; image: TestImage }> {
  const reg = await startLoopbackRegistry({ auth });
  const image = await buildTestImage();
  reg.addImage('app', 'v1', image);
  return { reg, image };
}

void describe('registrySource: pulling', () => {
  let reg: LoopbackRegistry;
  let image: TestImage;
  before(async () => ({ reg, image } = await registryWith()));
  after(() => reg.close());

  void test('resolves a tagged OCI image: digests, config, history, layers that stream the blob bytes', async () => {
    const events: ProgressEvent[] = [];
    const img = await registrySource.resolve(
      `${reg.host}/app:v1`,
      options({}, { onProgress: (e) => events.push(e) }),
    );
    await withImage(img, async () => {
      assert.equal(img.source, 'registry');
      assert.equal(img.ref, `registry:${reg.host}/app:v1`);
      assert.equal(img.digest, image.manifest.digest);
      assert.equal(img.indexDigest, undefined);
      assert.equal(img.configDigest, image.config.digest);
      assert.equal(img.manifestMediaType, 'application/vnd.oci.image.manifest.v1+json');
      assert.deepEqual(img.platform, { os: 'linux', architecture: 'amd64' });
      assert.deepEqual(img.repoTags, [`${reg.host}/app:v1`]);
      assert.deepEqual(img.repoDigests, [`${reg.host}/app@${image.manifest.digest}`]);
      assert.deepEqual(img.config.config.Cmd, ['/bin/sh']);
      assert.equal(img.layers.length, 2);
      assert.deepEqual(
        img.emptyHistory.map((h) => h.created_by),
        ['ENV PATH=/usr/bin'],
      );
      for (const [i, layer] of img.layers.entries()) {
        const blob = image.layers[i]!;
        assert.equal(layer.index, i);
        assert.equal(layer.digest, blob.digest);
        assert.equal(layer.diffId, image.diffIds[i]);
        assert.equal(layer.size, blob.bytes.length);
        assert.deepEqual(layer.verify, { digest: blob.digest, of: 'stored' });
        assert.equal(sha256(await readAll(await layer.open())), blob.digest);
      }
      assert.equal(img.layers[0]!.createdBy, 'ADD rootfs.tar /');
      assert.equal(img.layers[1]!.createdBy, 'COPY hello.txt /app/');
      assert.equal(img.layers[1]!.comment, 'buildkit');
      const last = events.filter((e) => e.id === image.layers[0]!.digest).at(-1);
      assert.deepEqual(last, {
        phase: 'pull',
        id: image.layers[0]!.digest,
        done: image.layers[0]!.bytes.length,
        total: image.layers[0]!.bytes.length,
      });
    });
  });

  void test('pulls by digest: no repo tag, digest verified', async () => {
    const img = await registrySource.resolve(`${reg.host}/app@${image.manifest.digest}`, options());
    await withImage(img, () => {
      assert.equal(img.digest, image.manifest.digest);
      assert.deepEqual(img.repoTags, []);
    });
  });

  void test('reads Docker schema 2 images', async () => {
    const docker = await buildTestImage({ docker: true });
    reg.addImage('docker', 'v2', docker);
    const img = await registrySource.resolve(`${reg.host}/docker:v2`, options());
    await withImage(img, () => {
      assert.equal(img.manifestMediaType, 'application/vnd.docker.distribution.manifest.v2+json');
      assert.equal(img.layers[0]!.mediaType, 'application/vnd.docker.image.rootfs.diff.tar.gzip');
    });
  });

  void test('missing manifest is IMAGE_NOT_FOUND and is not retried', async () => {
    const before = reg.requests.length;
    await rejectsWithCode(registrySource.resolve(`${reg.host}/app:nope`, options()), 'IMAGE_NOT_FOUND');
    assert.equal(reg.requests.slice(before).filter((r) => r.path.includes('/manifests/nope')).length, 1);
  });

  void test('403 is REGISTRY_DENIED', async () => {
    reg.faults.push(fault(/\/manifests\/v1$/, 1, (_q, res) => res.writeHead(403).end()));
    await rejectsWithCode(registrySource.resolve(`${reg.host}/app:v1`, options()), 'REGISTRY_DENIED');
  });

  void test('close() is idempotent and closes the connection pool', async () => {
    const img = await registrySource.resolve(`${reg.host}/app:v1`, options());
    await img.close();
    await img.close();
    await assert.rejects(img.layers[0]!.open());
  });
});

void describe('registrySource: index and platforms', () => {
  let reg: LoopbackRegistry;
  let amd64: TestImage;
  let arm64: TestImage;
  let index: ReturnType<typeof buildIndex>;
  before(async () => {
    reg = await startLoopbackRegistry();
    amd64 = await buildTestImage();
    arm64 = await buildTestImage({
      architecture: 'arm64',
      variant: 'v8',
      layers: [{ 'etc/os-release': 'ID=arm\n' }, { a: 'b' }],
    });
    const attestation = blobOf('{"schemaVersion":2}', 'application/vnd.oci.image.manifest.v1+json');
    index = buildIndex(
      [
        { manifest: amd64.manifest, platform: { os: 'linux', architecture: 'amd64' } },
        { manifest: arm64.manifest, platform: { os: 'linux', architecture: 'arm64', variant: 'v8' } },
      ],
      [
        {
          mediaType: attestation.mediaType,
          digest: attestation.digest,
          size: attestation.bytes.length,
          platform: { os: 'unknown', architecture: 'unknown' },
        },
      ],
    );
    reg.addImage('multi', undefined, amd64);
    reg.addImage('multi', undefined, arm64);
    reg.addManifest('multi', 'latest', index);
  });
  after(() => reg.close());

  void test('defaults to linux/amd64 and records the index digest', async () => {
    const img = await registrySource.resolve(`${reg.host}/multi`, options());
    await withImage(img, () => {
      assert.equal(img.digest, amd64.manifest.digest);
      assert.equal(img.indexDigest, index.digest);
      assert.deepEqual(img.repoDigests, [`${reg.host}/multi@${index.digest}`]);
    });
  });

  void test('arm64 without a variant matches the arm64/v8 entry', async () => {
    const img = await registrySource.resolve(
      `${reg.host}/multi:latest`,
      options({}, { platform: { os: 'linux', architecture: 'arm64' } }),
    );
    await withImage(img, () => {
      assert.equal(img.digest, arm64.manifest.digest);
      assert.deepEqual(img.platform, { os: 'linux', architecture: 'arm64', variant: 'v8' });
    });
  });

  void test('a requested variant must match', async () => {
    await rejectsWithCode(
      registrySource.resolve(
        `${reg.host}/multi`,
        options({}, { platform: { os: 'linux', architecture: 'arm64', variant: 'v9' } }),
      ),
      'IMAGE_PLATFORM_NOT_FOUND',
    );
  });

  void test('no matching platform is IMAGE_PLATFORM_NOT_FOUND; attestation entries are never chosen', async () => {
    await rejectsWithCode(
      registrySource.resolve(
        `${reg.host}/multi`,
        options({}, { platform: { os: 'linux', architecture: 's390x' } }),
      ),
      'IMAGE_PLATFORM_NOT_FOUND',
    );
    await rejectsWithCode(
      registrySource.resolve(
        `${reg.host}/multi`,
        options({}, { platform: { os: 'unknown', architecture: 'unknown' } }),
      ),
      'IMAGE_PLATFORM_NOT_FOUND',
    );
  });

  void test('a child manifest whose bytes differ from the index entry is IMAGE_DIGEST_MISMATCH', async () => {
    const tampered = Buffer.from(
      amd64.manifest.bytes.toString().replace('"schemaVersion":2', '"schemaVersion":2 '),
    );
    reg.faults.push(
      fault(new RegExp(`/manifests/${amd64.manifest.digest}$`), 1, (_q, res) =>
        res.writeHead(200, { 'content-type': amd64.manifest.mediaType }).end(tampered),
      ),
    );
    await rejectsWithCode(registrySource.resolve(`${reg.host}/multi`, options()), 'IMAGE_DIGEST_MISMATCH');
  });
});

void describe('registrySource: bad content', () => {
  let reg: LoopbackRegistry;
  let image: TestImage;
  before(async () => ({ reg, image } = await registryWith()));
  after(() => reg.close());

  const serveManifest = (
    tag: string,
    body: string | Buffer,
    contentType: string,
    headers: Record<string, string> = {},
  ): void => {
    reg.faults.push(
      fault(new RegExp(`/manifests/${tag}$`), 1, (_q, res) =>
        res.writeHead(200, { 'content-type': contentType, ...headers }).end(body),
      ),
    );
  };

  void test('Docker schema 1 is IMAGE_SCHEMA1_UNSUPPORTED', async () => {
    serveManifest(
      'old',
      JSON.stringify({ schemaVersion: 1, name: 'app', tag: 'old', fsLayers: [] }),
      'application/vnd.docker.distribution.manifest.v1+prettyjws',
    );
    await rejectsWithCode(
      registrySource.resolve(`${reg.host}/app:old`, options()),
      'IMAGE_SCHEMA1_UNSUPPORTED',
    );
  });

  void test('schema 1 served as application/json is still recognised', async () => {
    serveManifest(
      'old2',
      JSON.stringify({ schemaVersion: 1, name: 'app', tag: 'old2', fsLayers: [] }),
      'application/json',
    );
    await rejectsWithCode(
      registrySource.resolve(`${reg.host}/app:old2`, options()),
      'IMAGE_SCHEMA1_UNSUPPORTED',
    );
  });

  void test('an unknown manifest media type is IMAGE_MEDIA_TYPE_UNSUPPORTED', async () => {
    serveManifest('odd', '{"schemaVersion":2}', 'application/vnd.example.thing.v1+json');
    await rejectsWithCode(
      registrySource.resolve(`${reg.host}/app:odd`, options()),
      'IMAGE_MEDIA_TYPE_UNSUPPORTED',
    );
  });

  void test('an OCI artifact (non-image config) is IMAGE_MEDIA_TYPE_UNSUPPORTED', async () => {
    const cfg = blobOf('{}', 'application/vnd.cncf.helm.config.v1+json');
    const m = {
      schemaVersion: 2,
      mediaType: 'application/vnd.oci.image.manifest.v1+json',
      config: { mediaType: cfg.mediaType, digest: cfg.digest, size: 2 },
      layers: [],
    };
    serveManifest('chart', JSON.stringify(m), 'application/vnd.oci.image.manifest.v1+json');
    await rejectsWithCode(
      registrySource.resolve(`${reg.host}/app:chart`, options()),
      'IMAGE_MEDIA_TYPE_UNSUPPORTED',
    );
  });

  void test('manifest bytes that do not match the pulled digest are IMAGE_DIGEST_MISMATCH', async () => {
    const other = await buildTestImage({ layers: [{ x: 'y' }] });
    reg.faults.push(
      fault(new RegExp(`/manifests/${image.manifest.digest}$`), 1, (_q, res) =>
        res.writeHead(200, { 'content-type': other.manifest.mediaType }).end(other.manifest.bytes),
      ),
    );
    await rejectsWithCode(
      registrySource.resolve(`${reg.host}/app@${image.manifest.digest}`, options()),
      'IMAGE_DIGEST_MISMATCH',
    );
  });

  void test('a Docker-Content-Digest header that disagrees with the bytes is IMAGE_DIGEST_MISMATCH', async () => {
    serveManifest('v1', image.manifest.bytes, image.manifest.mediaType, {
      'docker-content-digest': `sha256:${'0'.repeat(64)}`,
    });
    await rejectsWithCode(registrySource.resolve(`${reg.host}/app:v1`, options()), 'IMAGE_DIGEST_MISMATCH');
  });

  void test('a config blob with other bytes is IMAGE_DIGEST_MISMATCH', async () => {
    reg.faults.push(
      fault(new RegExp(`/blobs/${image.config.digest}$`), 1, (_q, res) =>
        res.writeHead(200).end('{"architecture":"amd64"}'),
      ),
    );
    await rejectsWithCode(registrySource.resolve(`${reg.host}/app:v1`, options()), 'IMAGE_DIGEST_MISMATCH');
  });

  void test('a manifest over maxManifestBytes is IMAGE_LIMIT_EXCEEDED', async () => {
    const opts = { ...options(), limits: defaultLimits({ maxManifestBytes: 64 }) };
    await rejectsWithCode(registrySource.resolve(`${reg.host}/app:v1`, opts), 'IMAGE_LIMIT_EXCEEDED');
  });

  void test('layer count and diff_ids count disagreeing is IMAGE_MANIFEST_INVALID', async () => {
    const base = await buildTestImage();
    const bad = await buildTestImage({
      configJson: {
        architecture: 'amd64',
        os: 'linux',
        rootfs: { type: 'layers', diff_ids: [base.diffIds[0]] },
      },
    });
    reg.addImage('app', 'short', bad);
    await rejectsWithCode(
      registrySource.resolve(`${reg.host}/app:short`, options()),
      'IMAGE_MANIFEST_INVALID',
    );
  });

  void test('a config without rootfs is IMAGE_CONFIG_INVALID; missing history and config get defaults', async () => {
    reg.addImage('app', 'nofs', await buildTestImage({ configJson: { architecture: 'amd64', os: 'linux' } }));
    await rejectsWithCode(registrySource.resolve(`${reg.host}/app:nofs`, options()), 'IMAGE_CONFIG_INVALID');
    const base = await buildTestImage();
    reg.addImage(
      'app',
      'bare',
      await buildTestImage({
        configJson: {
          architecture: 'amd64',
          os: 'linux',
          rootfs: { type: 'layers', diff_ids: base.diffIds },
        },
      }),
    );
    const img = await registrySource.resolve(`${reg.host}/app:bare`, options());
    await withImage(img, () => {
      assert.deepEqual(img.config.history, []);
      assert.deepEqual(img.emptyHistory, []);
      assert.equal(img.layers[0]!.createdBy, undefined);
    });
  });
});

void describe('registrySource: retries', () => {
  let reg: LoopbackRegistry;
  before(async () => ({ reg } = await registryWith()));
  after(() => reg.close());

  void test('429 with Retry-After is honoured, then the pull succeeds', async () => {
    reg.faults.push(
      fault(/\/manifests\/v1$/, 1, (_q, res) => res.writeHead(429, { 'retry-after': '1' }).end()),
    );
    const start = Date.now();
    const img = await registrySource.resolve(`${reg.host}/app:v1`, options());
    await img.close();
    assert.ok(Date.now() - start >= 900, `waited only ${Date.now() - start} ms`);
  });

  void test('503 twice, then success', async () => {
    const before = reg.requests.length;
    reg.faults.push(fault(/\/manifests\/v1$/, 2, (_q, res) => res.writeHead(503).end()));
    const img = await registrySource.resolve(`${reg.host}/app:v1`, options());
    await img.close();
    assert.equal(reg.requests.slice(before).filter((r) => r.path.endsWith('/manifests/v1')).length, 3);
  });

  void test('5xx beyond the retry budget is REGISTRY_UNAVAILABLE', async () => {
    reg.faults.push(fault(/\/manifests\/v1$/, 3, (_q, res) => res.writeHead(502).end()));
    await rejectsWithCode(
      registrySource.resolve(`${reg.host}/app:v1`, options({ retries: 2 })),
      'REGISTRY_UNAVAILABLE',
    );
  });

  void test('network errors are retried, then REGISTRY_UNAVAILABLE', async () => {
    const gone = await startLoopbackRegistry();
    const host = gone.host;
    await gone.close();
    await rejectsWithCode(
      registrySource.resolve(`${host}/app:v1`, options({ retries: 1 })),
      'REGISTRY_UNAVAILABLE',
    );
  });

  void test('a connection reset mid-request is retried', async () => {
    reg.faults.push(fault(/\/manifests\/v1$/, 1, (req) => req.socket.destroy()));
    const img = await registrySource.resolve(`${reg.host}/app:v1`, options());
    await img.close();
  });
});

void describe('registrySource: layer streams', () => {
  let reg: LoopbackRegistry;
  let image: TestImage;
  before(async () => ({ reg, image } = await registryWith()));
  after(() => reg.close());

  void test('a body cut short under Content-Length makes the stream error', async () => {
    const blob = image.layers[0]!;
    reg.faults.push(
      fault(new RegExp(`/blobs/${blob.digest}$`), 1, (_q, res) => {
        res.writeHead(200, { 'content-length': blob.bytes.length });
        res.write(blob.bytes.subarray(0, 10), () => res.destroy());
      }),
    );
    const img = await registrySource.resolve(`${reg.host}/app:v1`, options());
    await withImage(img, async () => {
      await rejectsWithCode(readAll(await img.layers[0]!.open()), 'REGISTRY_UNAVAILABLE');
    });
  });

  void test('a chunked body that ends short of the descriptor size is IMAGE_LAYER_CORRUPT', async () => {
    const blob = image.layers[1]!;
    reg.faults.push(
      fault(new RegExp(`/blobs/${blob.digest}$`), 1, (_q, res) =>
        res.writeHead(200).end(blob.bytes.subarray(0, 10)),
      ),
    );
    const img = await registrySource.resolve(`${reg.host}/app:v1`, options());
    await withImage(img, async () => {
      await rejectsWithCode(readAll(await img.layers[1]!.open()), 'IMAGE_LAYER_CORRUPT');
    });
  });

  void test('an aborted signal stops the stream', async () => {
    const img = await registrySource.resolve(`${reg.host}/app:v1`, options());
    await withImage(img, async () => {
      const ac = new AbortController();
      ac.abort();
      await assert.rejects(async () => readAll(await img.layers[0]!.open(ac.signal)));
    });
  });

  void test('foreign layers absent from the registry are fetched from their urls', async () => {
    const { gz } = await gzipTar({ 'Files/x.dll': 'MZ' });
    const foreign = blobOf(gz, 'application/vnd.docker.image.rootfs.foreign.diff.tar.gzip');
    const store = await startBlobStore(new Map([[foreign.digest, foreign.bytes]]));
    try {
      const { diffIds } = await buildTestImage({ layers: [{ 'Files/x.dll': 'MZ' }] });
      const cfg = blobOf(
        JSON.stringify({
          architecture: 'amd64',
          os: 'windows',
          rootfs: { type: 'layers', diff_ids: diffIds },
        }),
        'application/vnd.docker.container.image.v1+json',
      );
      const mediaType = 'application/vnd.docker.distribution.manifest.v2+json';
      const manifest = {
        schemaVersion: 2,
        mediaType,
        config: { mediaType: cfg.mediaType, digest: cfg.digest, size: cfg.bytes.length },
        layers: [
          {
            mediaType: foreign.mediaType,
            digest: foreign.digest,
            size: foreign.bytes.length,
            urls: [`${store.url}/foreign/${foreign.digest}`],
          },
        ],
      };
      reg.blobs.set(cfg.digest, cfg.bytes);
      reg.addManifest('win', 'ltsc', blobOf(JSON.stringify(manifest), mediaType));
      const img = await registrySource.resolve(`${reg.host}/win:ltsc`, options());
      await withImage(img, async () => {
        assert.equal(sha256(await readAll(await img.layers[0]!.open())), foreign.digest);
        assert.equal(store.requests.length, 1);
      });
    } finally {
      await store.close();
    }
  });
});

void describe('registrySource: authentication', () => {
  void test('Bearer: token fetched with Basic credentials, scope and service, cached for later requests', async () => {
    const { reg, image } = await registryWith({ kind: 'bearer', users: { alice: 'pw' } });
    try {
      const img = await registrySource.resolve(
        `${reg.host}/app:v1`,
        options({ credentials: { username: 'alice', password: 'pw' } }),
      );
      await withImage(img, async () => {
        assert.equal(sha256(await readAll(await img.layers[0]!.open())), image.layers[0]!.digest);
      });
      assert.equal(reg.tokenRequests.length, 1);
      const tokenUrl = new URL(reg.tokenRequests[0]!.path, reg.url);
      assert.equal(tokenUrl.searchParams.get('service'), 'loopback-registry');
      assert.deepEqual(tokenUrl.searchParams.getAll('scope'), ['repository:app:pull']);
      assert.equal(
        reg.tokenRequests[0]!.headers.authorization,
        `Basic ${Buffer.from('alice:pw').toString('base64')}`,
      );
    } finally {
      await reg.close();
    }
  });

  void test('Bearer: anonymous pulls of public repositories; `access_token` answers', async () => {
    const { reg } = await registryWith({
      kind: 'bearer',
      users: {},
      publicRepos: ['app'],
      tokenField: 'access_token',
    });
    try {
      const img = await registrySource.resolve(`${reg.host}/app:v1`, options());
      await img.close();
    } finally {
      await reg.close();
    }
  });

  void test('Bearer: private repository without or with wrong credentials is REGISTRY_AUTH_FAILED', async () => {
    const { reg } = await registryWith({ kind: 'bearer', users: { alice: 'pw' } });
    try {
      await rejectsWithCode(registrySource.resolve(`${reg.host}/app:v1`, options()), 'REGISTRY_AUTH_FAILED');
      await rejectsWithCode(
        registrySource.resolve(
          `${reg.host}/app:v1`,
          options({ credentials: { username: 'alice', password: 'nope' } }),
        ),
        'REGISTRY_AUTH_FAILED',
      );
    } finally {
      await reg.close();
    }
  });

  void test('Basic: credentials are sent after the challenge; none or wrong ones are REGISTRY_AUTH_FAILED', async () => {
    const { reg } = await registryWith({ kind: 'basic', users: { bob: 'secret' } });
    try {
      const img = await registrySource.resolve(
        `${reg.host}/app:v1`,
        options({ credentials: { username: 'bob', password: 'secret' } }),
      );
      await withImage(img, async () => {
        await readAll(await img.layers[0]!.open());
      });
      await rejectsWithCode(registrySource.resolve(`${reg.host}/app:v1`, options()), 'REGISTRY_AUTH_FAILED');
      await rejectsWithCode(
        registrySource.resolve(
          `${reg.host}/app:v1`,
          options({ credentials: { username: 'bob', password: 'x' } }),
        ),
        'REGISTRY_AUTH_FAILED',
      );
    } finally {
      await reg.close();
    }
  });

  void test('credentials come from a Docker config.json when none are given', async () => {
    const { reg } = await registryWith({ kind: 'bearer', users: { carol: 'pw2' } });
    const dir = mkdtempSync(join(tmpdir(), 'corral-dockercfg-'));
    try {
      const path = join(dir, 'config.json');
      writeFileSync(
        path,
        JSON.stringify({
          auths: { [`http://${reg.host}`]: { auth: Buffer.from('carol:pw2').toString('base64') } },
        }),
      );
      const img = await registrySource.resolve(`${reg.host}/app:v1`, options({ dockerConfigPath: path }));
      await img.close();
      // flags win over the file
      await rejectsWithCode(
        registrySource.resolve(
          `${reg.host}/app:v1`,
          options({ dockerConfigPath: path, credentials: { username: 'carol', password: 'wrong' } }),
        ),
        'REGISTRY_AUTH_FAILED',
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
      await reg.close();
    }
  });

  void test('an identitytoken from config.json uses the OAuth2 refresh-token POST', async () => {
    const { reg } = await registryWith({ kind: 'bearer', users: {}, identityToken: 'refresh-me' });
    const dir = mkdtempSync(join(tmpdir(), 'corral-dockercfg-'));
    try {
      const path = join(dir, 'config.json');
      writeFileSync(
        path,
        JSON.stringify({
          auths: {
            [reg.host]: { auth: Buffer.from('<token>:').toString('base64'), identitytoken: 'refresh-me' },
          },
        }),
      );
      const img = await registrySource.resolve(`${reg.host}/app:v1`, options({ dockerConfigPath: path }));
      await img.close();
      assert.equal(reg.tokenRequests[0]!.method, 'POST');
    } finally {
      rmSync(dir, { recursive: true, force: true });
      await reg.close();
    }
  });

  void test('blob redirects to another host never carry the registry Authorization', async () => {
    const { reg, image } = await registryWith({ kind: 'bearer', users: { alice: 'pw' } });
    const store = await startBlobStore(reg.blobs);
    reg.blobRedirect = store.url;
    try {
      const img = await registrySource.resolve(
        `${reg.host}/app:v1`,
        options({ credentials: { username: 'alice', password: 'pw' } }),
      );
      await withImage(img, async () => {
        for (const [i, layer] of img.layers.entries())
          assert.equal(sha256(await readAll(await layer.open())), image.layers[i]!.digest);
      });
      assert.ok(store.requests.length >= 3, 'config and both layers went to the blob store');
      for (const r of store.requests) assert.equal(r.headers.authorization, undefined);
      assert.ok(
        reg.requests.some(
          (r) => r.path.includes('/blobs/') && r.headers.authorization?.startsWith('Bearer '),
        ),
      );
    } finally {
      await store.close();
      await reg.close();
    }
  });
});

void describe('registrySource: TLS', () => {
  let dir: string;
  let reg: LoopbackRegistry;
  let caFile: string;
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'corral-tls-'));
    const tls = makeTlsMaterial(dir);
    caFile = tls.caFile;
    reg = await startLoopbackRegistry({ tls });
    reg.addImage('app', 'v1', await buildTestImage());
  });
  after(async () => {
    await reg.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const tlsOptions = (registry: RegistryOptions): ResolveOptions => ({
    limits: defaultLimits(),
    registry: { retryBaseMs: 2, ...registry },
  });

  void test('trusts a registry signed by a CA given with caFiles', async () => {
    const img = await registrySource.resolve(`${reg.host}/app:v1`, tlsOptions({ caFiles: [caFile] }));
    await withImage(img, async () => {
      await readAll(await img.layers[0]!.open());
    });
  });

  void test('an unknown CA is REGISTRY_TLS, without retries', async () => {
    const before = reg.connections();
    await rejectsWithCode(
      registrySource.resolve(`${reg.host}/app:v1`, tlsOptions({ retries: 3 })),
      'REGISTRY_TLS',
    );
    assert.equal(reg.connections() - before, 1);
  });

  void test('insecure accepts any certificate and keeps HTTPS', async () => {
    const img = await registrySource.resolve(`${reg.host}/app:v1`, tlsOptions({ insecure: true }));
    await img.close();
  });

  void test('an unreadable CA file is CONFIG_INVALID', async () => {
    await rejectsWithCode(
      registrySource.resolve(`${reg.host}/app:v1`, tlsOptions({ caFiles: [join(dir, 'missing.pem')] })),
      'CONFIG_INVALID',
    );
  });
});
