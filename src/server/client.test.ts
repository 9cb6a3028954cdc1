/**
 * The client and small parsers without a server: CI provenance mapping, push-body checks, server URL
 * and error mapping (against a loopback server answering fixed bodies), --listen parsing.
 */
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, it } from 'node:test';
import { isAppError } from '../errors.js';
import { randomDigest, sampleSbom } from '../../test/e2e/server-fixtures.js';
import { buildPushInput, CorralClient, provenanceFromCiEnv } from './client.js';
import { parseListen } from './serve.js';

describe('provenanceFromCiEnv', () => {
  it('maps GitHub Actions variables', () => {
    const p = provenanceFromCiEnv({
      GITHUB_ACTIONS: 'true',
      GITHUB_REPOSITORY: 'acme/app',
      GITHUB_SHA: 'abc',
      GITHUB_REF: 'refs/tags/v1',
      GITHUB_RUN_ID: '7',
      GITHUB_ACTOR: 'octo',
      GITHUB_WORKFLOW: 'release',
    });
    assert.ok(p);
    assert.equal(p.commit, 'abc');
    assert.equal(p.ref, 'refs/tags/v1');
    assert.equal(p.actor, 'octo');
    assert.equal(p.pipeline, 'release');
    assert.match(p.repository ?? '', /github\.com\/acme\/app/);
    assert.match(p.runUrl ?? '', /acme\/app\/actions\/runs\/7/);
    assert.ok(p.builder);
  });
  it('maps GitLab CI variables', () => {
    const p = provenanceFromCiEnv({
      GITLAB_CI: 'true',
      CI_PROJECT_URL: 'https://gitlab.example/acme/app',
      CI_COMMIT_SHA: 'def',
      CI_SERVER_URL: 'https://gitlab.example',
      CI_PROJECT_PATH: 'acme/app',
    });
    assert.equal(p?.commit, 'def');
    assert.match(p?.repository ?? '', /gitlab\.example\/acme\/app/);
  });
  it('is undefined outside CI', () => {
    assert.equal(provenanceFromCiEnv({}), undefined);
  });
});

describe('buildPushInput', () => {
  it('refuses an SBOM without an image digest', () => {
    const sbom = sampleSbom(randomDigest());
    delete sbom.image.digest;
    assert.throws(
      () => buildPushInput({ sbom }, {}),
      (e: unknown) => isAppError(e, 'PUSH_INPUT_INVALID'),
    );
  });
  it('adds tags and no provenance outside CI', () => {
    const input = buildPushInput({ sbom: sampleSbom(randomDigest()), repoTags: ['a:1'] }, {});
    assert.deepEqual(input.repoTags, ['a:1']);
    assert.equal(input.provenance, undefined);
  });
});

describe('CorralClient', () => {
  it('rejects URLs that are not http(s)', () => {
    assert.throws(
      () => new CorralClient({ url: 'ftp://x' }),
      (e: unknown) => isAppError(e, 'CLI_USAGE'),
    );
  });

  it('maps error bodies to AppErrors and refuses non-JSON answers', async () => {
    const server = createServer((req, res) => {
      if (req.url?.startsWith('/api/v1/summary')) {
        res.writeHead(403, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ error: { code: 'API_FORBIDDEN', message: 'nope', hint: 'use admin' } }));
      } else if (req.url?.startsWith('/api/v1/alerts')) {
        res.writeHead(200, { 'content-type': 'text/html' }).end('<html>');
      } else res.writeHead(502).end('bad gateway');
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const client = new CorralClient({
      url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
      token: 't',
    });
    try {
      await assert.rejects(client.summary(), (e: unknown) => {
        assert.ok(isAppError(e, 'API_FORBIDDEN'));
        assert.equal(e.message, 'GET /api/v1/summary: nope');
        assert.equal(e.hint, 'use admin');
        return true;
      });
      await assert.rejects(client.listAlerts(), (e: unknown) => isAppError(e, 'SERVER_UNREACHABLE'));
      await assert.rejects(client.listImages(), (e: unknown) => isAppError(e, 'SERVER_ERROR'));
    } finally {
      await client.close();
      server.close();
    }
  });
});

describe('parseListen', () => {
  it('parses host:port forms', () => {
    assert.deepEqual(parseListen('127.0.0.1:8080'), { host: '127.0.0.1', port: 8080 });
    assert.deepEqual(parseListen(':9000'), { host: '0.0.0.0', port: 9000 });
    assert.deepEqual(parseListen('[::1]:0'), { host: '::1', port: 0 });
  });
  it('rejects the rest with CLI_USAGE', () => {
    for (const bad of ['8080', 'host:99999', 'a:b'])
      assert.throws(
        () => parseListen(bad),
        (e: unknown) => isAppError(e, 'CLI_USAGE'),
        bad,
      );
  });
});
