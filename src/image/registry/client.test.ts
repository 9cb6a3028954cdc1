import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import {
  blobOf,
  buildTestImage,
  startLoopbackRegistry,
  type LoopbackRegistry,
  type TestImage,
} from '../../../test/helpers/loopback-registry.js';
import { isAppError, type ErrorCode } from '../../errors.js';
import {
  apiHost,
  createRegistryClient,
  resolveCredentials,
  type RegistryClient,
  type RegistryClientOptions,
} from './client.js';

const FAST: RegistryClientOptions = { insecure: true, retryBaseMs: 2 };

async function rejectsWithCode(p: Promise<unknown>, code: ErrorCode): Promise<void> {
  await assert.rejects(p, (err: unknown) => {
    assert.ok(isAppError(err), `expected AppError ${code}, got ${String(err)}`);
    assert.equal(err.code, code, `message: ${err.message}`);
    return true;
  });
}

void describe('registry client: push and pull', () => {
  let reg: LoopbackRegistry;
  let client: RegistryClient;
  let image: TestImage;
  before(async () => {
    reg = await startLoopbackRegistry({ auth: { kind: 'bearer', users: { alice: 'pw' } } });
    client = createRegistryClient(reg.host, { ...FAST, credentials: { username: 'alice', password: 'pw' } });
    image = await buildTestImage();
  });
  after(async () => {
    await client.close();
    await reg.close();
  });

  void test('uploads blobs (POST + PUT) and a manifest, then reads them back', async () => {
    for (const blob of [image.config, ...image.layers]) {
      assert.deepEqual(await client.putBlob('team/app', blob.bytes), {
        digest: blob.digest,
        size: blob.bytes.length,
      });
    }
    const pushed = await client.putManifest('team/app', 'v1', image.manifest.bytes, image.manifest.mediaType);
    assert.equal(pushed.digest, image.manifest.digest);
    const got = await client.getManifest('team/app', 'v1');
    assert.deepEqual(got, {
      bytes: image.manifest.bytes,
      mediaType: image.manifest.mediaType,
      digest: image.manifest.digest,
    });
    assert.deepEqual(await client.headBlob('team/app', image.config.digest), {
      digest: image.config.digest,
      size: image.config.bytes.length,
    });
    assert.deepEqual(await client.readBlob('team/app', image.config.digest, 1 << 20), image.config.bytes);
    const scopes = reg.tokenRequests.flatMap((r) => new URL(r.path, reg.url).searchParams.getAll('scope'));
    assert.ok(scopes.includes('repository:team/app:pull,push'), scopes.join(' '));
  });

  void test('putBlob skips the upload when the registry already has the blob', async () => {
    await client.putBlob('team/app', image.layers[0]!.bytes);
    const before = reg.requests.filter((r) => r.method === 'POST').length;
    await client.putBlob('team/app', image.layers[0]!.bytes);
    assert.equal(reg.requests.filter((r) => r.method === 'POST').length, before);
  });

  void test('putManifest by digest checks the digest names the bytes', async () => {
    const other = blobOf('{"schemaVersion":2}', image.manifest.mediaType);
    await rejectsWithCode(
      client.putManifest('team/app', other.digest, image.manifest.bytes, image.manifest.mediaType),
      'IMAGE_DIGEST_MISMATCH',
    );
  });

  void test('headBlob of a missing blob is undefined', async () => {
    assert.equal(await client.headBlob('team/app', blobOf('nothing', '').digest), undefined);
  });

  void test('readBlob refuses blobs over its byte cap', async () => {
    await client.putBlob('team/app', image.layers[1]!.bytes);
    await rejectsWithCode(client.readBlob('team/app', image.layers[1]!.digest, 16), 'IMAGE_LIMIT_EXCEEDED');
  });

  void test('names outside the reference grammar never reach the network', async () => {
    const before = reg.requests.length;
    await rejectsWithCode(client.getManifest('../etc', 'v1'), 'IMAGE_REF_INVALID');
    await rejectsWithCode(client.getManifest('team/app', '../../v2/_catalog'), 'IMAGE_REF_INVALID');
    await rejectsWithCode(client.getBlob('team/app', 'sha256:../../x'), 'IMAGE_MANIFEST_INVALID');
    assert.equal(reg.requests.length, before);
  });

  void test('a generic Content-Type falls back to the document mediaType', async () => {
    reg.faults.push({
      match: (req) => req.url === '/v2/team/app/manifests/generic',
      times: 1,
      respond: (_q, res) =>
        res.writeHead(200, { 'content-type': 'application/json' }).end(image.manifest.bytes),
    });
    assert.equal((await client.getManifest('team/app', 'generic')).mediaType, image.manifest.mediaType);
  });
});

void describe('registry client: tokens', () => {
  void test('tokens are cached per scope', async () => {
    const reg = await startLoopbackRegistry({ auth: { kind: 'bearer', users: {}, publicRepos: ['a', 'b'] } });
    const client = createRegistryClient(reg.host, FAST);
    try {
      const a = await buildTestImage();
      reg.addImage('a', 'v1', a);
      reg.addImage('b', 'v1', a);
      await client.getManifest('a', 'v1');
      await client.getManifest('a', 'v1');
      await client.readBlob('a', a.config.digest, 1 << 20);
      assert.equal(reg.tokenRequests.length, 1);
      await client.getManifest('b', 'v1');
      assert.equal(reg.tokenRequests.length, 2);
    } finally {
      await client.close();
      await reg.close();
    }
  });

  void test('a static token is sent up front as a Bearer header', async () => {
    const reg = await startLoopbackRegistry();
    const client = createRegistryClient(reg.host, { ...FAST, credentials: { token: 'static-token' } });
    try {
      reg.addImage('a', 'v1', await buildTestImage());
      await client.getManifest('a', 'v1');
      const req = reg.requests.find((r) => r.path === '/v2/a/manifests/v1');
      assert.equal(req?.headers.authorization, 'Bearer static-token');
    } finally {
      await client.close();
      await reg.close();
    }
  });
});

void describe('registry client: configuration', () => {
  void test('Docker Hub is reached through registry-1.docker.io', () => {
    assert.equal(apiHost('docker.io'), 'registry-1.docker.io');
    assert.equal(apiHost('ghcr.io'), 'ghcr.io');
  });

  void test('credentials: flags, then token, then $DOCKER_CONFIG/config.json', () => {
    const dir = mkdtempSync(join(tmpdir(), 'corral-dockercfg-'));
    try {
      writeFileSync(
        join(dir, 'config.json'),
        JSON.stringify({ auths: { 'reg.example': { username: 'u', password: 'p' } } }),
      );
      const env = { DOCKER_CONFIG: dir };
      assert.deepEqual(resolveCredentials('reg.example', { env }).credentials, {
        kind: 'basic',
        username: 'u',
        password: 'p',
      });
      assert.deepEqual(
        resolveCredentials('reg.example', { env, credentials: { username: 'x', password: 'y' } }).credentials,
        {
          kind: 'basic',
          username: 'x',
          password: 'y',
        },
      );
      assert.deepEqual(resolveCredentials('reg.example', { env, credentials: { token: 't' } }).credentials, {
        kind: 'registry-token',
        token: 't',
      });
      assert.equal(resolveCredentials('other.example', { env }).credentials, undefined);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
