import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { isAppError } from '../../errors.js';
import { Authenticator, parseChallenges, type TokenFetcher } from './auth.js';

void describe('parseChallenges', () => {
  // Shapes seen from Docker Hub, GHCR, Harbor, ECR and distribution (quoted commas, escapes, several schemes).
  const cases: [string, ReturnType<typeof parseChallenges>][] = [
    [
      'Bearer realm="https://auth.docker.io/token",service="registry.docker.io",scope="repository:library/alpine:pull"',
      [
        {
          scheme: 'bearer',
          params: {
            realm: 'https://auth.docker.io/token',
            service: 'registry.docker.io',
            scope: 'repository:library/alpine:pull',
          },
        },
      ],
    ],
    ['Basic realm="Registry Realm"', [{ scheme: 'basic', params: { realm: 'Registry Realm' } }]],
    [
      'Bearer realm="https://h/t",scope="repository:a:pull,push",error="insufficient_scope"',
      [
        {
          scheme: 'bearer',
          params: { realm: 'https://h/t', scope: 'repository:a:pull,push', error: 'insufficient_scope' },
        },
      ],
    ],
    [
      'Basic realm="a \\"quoted\\" realm", Bearer realm=https://h/t',
      [
        { scheme: 'basic', params: { realm: 'a "quoted" realm' } },
        { scheme: 'bearer', params: { realm: 'https://h/t' } },
      ],
    ],
    ['', []],
  ];
  for (const [header, want] of cases) {
    void test(header || '(empty)', () => assert.deepEqual(parseChallenges(header), want));
  }
});

function fakeFetcher(answer: (url: URL) => { status: number; body: unknown }): {
  fetch: TokenFetcher;
  calls: URL[];
} {
  const calls: URL[] = [];
  const fetch: TokenFetcher = (url) => {
    calls.push(url);
    const a = answer(url);
    return Promise.resolve({ status: a.status, body: Buffer.from(JSON.stringify(a.body)) });
  };
  return { fetch, calls };
}

const CHALLENGE = 'Bearer realm="https://auth.example/token",service="reg"';

void describe('Authenticator', () => {
  void test('sends nothing before a challenge, then caches the token per scope', async () => {
    const { fetch, calls } = fakeFetcher(() => ({ status: 200, body: { token: 'T1', expires_in: 300 } }));
    const auth = new Authenticator({ host: 'reg', fetchToken: fetch, hint: 'login' });
    assert.equal(await auth.header('repository:a:pull'), undefined);
    assert.equal(await auth.respond(CHALLENGE, 'repository:a:pull'), 'Bearer T1');
    assert.equal(await auth.header('repository:a:pull'), 'Bearer T1');
    assert.equal(calls.length, 1);
    // a new scope is fetched from the known realm before any request is refused
    assert.equal(await auth.header('repository:b:pull'), 'Bearer T1');
    assert.equal(calls.length, 2);
    assert.equal(calls[1]!.searchParams.get('scope'), 'repository:b:pull');
    assert.equal(calls[1]!.searchParams.get('service'), 'reg');
  });

  void test('concurrent requests for one scope share one token request', async () => {
    const { fetch, calls } = fakeFetcher(() => ({ status: 200, body: { access_token: 'T2' } }));
    const auth = new Authenticator({ host: 'reg', fetchToken: fetch, hint: 'login' });
    const got = await Promise.all([1, 2, 3].map(() => auth.respond(CHALLENGE, 'repository:a:pull')));
    assert.deepEqual(got, ['Bearer T2', 'Bearer T2', 'Bearer T2']);
    assert.equal(calls.length, 1);
  });

  void test('a refused token request is REGISTRY_AUTH_FAILED; an answer without a token is REGISTRY_PROTOCOL', async () => {
    const refused = new Authenticator({
      host: 'reg',
      fetchToken: fakeFetcher(() => ({ status: 401, body: {} })).fetch,
      hint: 'login',
    });
    await assert.rejects(refused.respond(CHALLENGE, 'repository:a:pull'), (e: unknown) =>
      isAppError(e, 'REGISTRY_AUTH_FAILED'),
    );
    const empty = new Authenticator({
      host: 'reg',
      fetchToken: fakeFetcher(() => ({ status: 200, body: {} })).fetch,
      hint: 'login',
    });
    await assert.rejects(empty.respond(CHALLENGE, 'repository:a:pull'), (e: unknown) =>
      isAppError(e, 'REGISTRY_PROTOCOL'),
    );
  });

  void test('Basic without credentials, or an unknown scheme, gives up', async () => {
    const auth = new Authenticator({
      host: 'reg',
      fetchToken: fakeFetcher(() => ({ status: 500, body: {} })).fetch,
      hint: 'login',
    });
    assert.equal(await auth.respond('Basic realm="r"', 'repository:a:pull'), undefined);
    assert.equal(await auth.respond('Negotiate', 'repository:a:pull'), undefined);
  });

  void test('Basic with credentials is sent up front after the first challenge', async () => {
    const creds = { kind: 'basic' as const, username: 'u', password: 'p' };
    const auth = new Authenticator({
      host: 'reg',
      credentials: creds,
      fetchToken: fakeFetcher(() => ({ status: 500, body: {} })).fetch,
      hint: 'login',
    });
    const expected = `Basic ${Buffer.from('u:p').toString('base64')}`;
    assert.equal(await auth.respond('Basic realm="r"', 'repository:a:pull'), expected);
    assert.equal(await auth.header('repository:other:pull'), expected);
  });

  void test('a Bearer challenge without a realm is REGISTRY_PROTOCOL', async () => {
    const auth = new Authenticator({
      host: 'reg',
      fetchToken: fakeFetcher(() => ({ status: 200, body: {} })).fetch,
      hint: 'login',
    });
    await assert.rejects(auth.respond('Bearer service="x"', 'repository:a:pull'), (e: unknown) =>
      isAppError(e, 'REGISTRY_PROTOCOL'),
    );
  });
});
