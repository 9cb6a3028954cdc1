import assert from 'node:assert/strict';
import { verify, X509Certificate } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { request } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { tokenRegistry } from './env.js';
import { runTool } from './image-tools.js';
import { libtrustKeyId, parseScopes, startTokenServer, type TokenServer } from './token-server.js';

let work: string;
let keyPath: string;
let certPath: string;
const ISSUER = 'unit-issuer';
const SERVICE = 'unit-service';
const USERS = { alice: 'wonderland' };

before(async () => {
  work = await mkdtemp(join(tmpdir(), 'corral-token-'));
  keyPath = join(work, 'key.pem');
  certPath = join(work, 'cert.pem');
  await runTool('openssl', [
    'genpkey',
    '-algorithm',
    'EC',
    '-pkeyopt',
    'ec_paramgen_curve:P-256',
    '-out',
    keyPath,
  ]);
  await runTool('openssl', [
    'req',
    '-x509',
    '-key',
    keyPath,
    '-days',
    '1',
    '-subj',
    '/CN=unit',
    '-out',
    certPath,
  ]);
});
after(async () => {
  await rm(work, { recursive: true, force: true });
});

const basic = (user: string, password: string): string =>
  `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;

interface Jwt {
  header: { alg: string; kid?: string; x5c?: string[] };
  claims: { iss: string; aud: string; sub: string; exp: number; access: unknown[] };
  signingInput: string;
  signature: Buffer;
}

function decodeJwt(token: string): Jwt {
  const [h, c, s] = token.split('.');
  return {
    header: JSON.parse(Buffer.from(h!, 'base64url').toString()) as Jwt['header'],
    claims: JSON.parse(Buffer.from(c!, 'base64url').toString()) as Jwt['claims'],
    signingInput: `${h}.${c}`,
    signature: Buffer.from(s!, 'base64url'),
  };
}

async function withServer(
  opts: Partial<Parameters<typeof startTokenServer>[0]>,
  fn: (server: TokenServer) => Promise<void>,
): Promise<void> {
  const server = await startTokenServer({
    port: 0,
    keyPath,
    certPath,
    issuer: ISSUER,
    service: SERVICE,
    users: USERS,
    ...opts,
  });
  try {
    await fn(server);
  } finally {
    await server.close();
  }
}

describe('parseScopes', () => {
  // ref. https://distribution.github.io/distribution/spec/auth/scope/
  const cases: Array<[string[], unknown[]]> = [
    [['repository:app:pull'], [{ type: 'repository', name: 'app', actions: ['pull'] }]],
    [['repository:org/app:pull,push'], [{ type: 'repository', name: 'org/app', actions: ['pull', 'push'] }]],
    [
      ['repository:127.0.0.1:5000/app:pull'],
      [{ type: 'repository', name: '127.0.0.1:5000/app', actions: ['pull'] }],
    ],
    [['registry:catalog:*'], [{ type: 'registry', name: 'catalog', actions: ['*'] }]],
    [
      ['repository:a:pull repository:b:push'],
      [
        { type: 'repository', name: 'a', actions: ['pull'] },
        { type: 'repository', name: 'b', actions: ['push'] },
      ],
    ],
    [['nonsense', 'repository:onlyname'], []],
  ];
  for (const [input, expected] of cases) {
    it(JSON.stringify(input), () => assert.deepEqual(parseScopes(input), expected));
  }
});

describe('libtrustKeyId', () => {
  it('is 12 groups of 4 base32 characters', async () => {
    const cert = new X509Certificate(await readFile(certPath));
    assert.match(libtrustKeyId(cert.publicKey), /^[A-Z2-7]{4}(:[A-Z2-7]{4}){11}$/);
  });
});

describe('startTokenServer', () => {
  it('issues an ES256 token naming its key by libtrust kid, granting the requested scope', async () => {
    await withServer({}, async (server) => {
      const res = await fetch(`${server.realm}?service=${SERVICE}&scope=repository:app:pull,push`, {
        headers: { authorization: basic('alice', 'wonderland') },
      });
      assert.equal(res.status, 200);
      const body = (await res.json()) as { token: string; access_token: string; expires_in: number };
      assert.equal(body.token, body.access_token);
      const jwt = decodeJwt(body.token);
      const cert = new X509Certificate(await readFile(certPath));
      assert.deepEqual(jwt.header, { typ: 'JWT', alg: 'ES256', kid: libtrustKeyId(cert.publicKey) });
      assert.ok(
        verify(
          'sha256',
          Buffer.from(jwt.signingInput),
          { key: cert.publicKey, dsaEncoding: 'ieee-p1363' },
          jwt.signature,
        ),
      );
      assert.equal(jwt.claims.iss, ISSUER);
      assert.equal(jwt.claims.aud, SERVICE);
      assert.equal(jwt.claims.sub, 'alice');
      assert.deepEqual(jwt.claims.access, [{ type: 'repository', name: 'app', actions: ['pull', 'push'] }]);
      assert.deepEqual(server.requests, [
        { method: 'GET', user: 'alice', scopes: ['repository:app:pull,push'], status: 200 },
      ]);
    });
  });

  it('answers 401 to bad credentials and gives anonymous requests no access', async () => {
    await withServer({}, async (server) => {
      const bad = await fetch(`${server.realm}?scope=repository:app:pull`, {
        headers: { authorization: basic('alice', 'x') },
      });
      assert.equal(bad.status, 401);
      const anon = await fetch(`${server.realm}?scope=repository:app:pull`);
      assert.equal(anon.status, 200);
      assert.deepEqual(decodeJwt(((await anon.json()) as { token: string }).token).claims.access, []);
    });
    await withServer({ anonymous: 'deny' }, async (server) => {
      assert.equal((await fetch(server.realm)).status, 401);
    });
    await withServer({ anonymous: 'pull' }, async (server) => {
      const res = await fetch(`${server.realm}?scope=repository:app:pull,push`);
      assert.deepEqual(decodeJwt(((await res.json()) as { token: string }).token).claims.access, [
        { type: 'repository', name: 'app', actions: ['pull'] },
      ]);
    });
  });

  it('supports the OAuth2 password and refresh_token grants', async () => {
    await withServer({}, async (server) => {
      const post = (form: Record<string, string>): Promise<Response> =>
        fetch(server.realm, { method: 'POST', body: new URLSearchParams(form) });
      const first = await post({
        grant_type: 'password',
        username: 'alice',
        password: 'wonderland',
        service: SERVICE,
        scope: 'repository:app:pull',
        access_type: 'offline',
        client_id: 'corral',
      });
      assert.equal(first.status, 200);
      const { refresh_token } = (await first.json()) as { refresh_token: string };
      assert.ok(refresh_token);
      const second = await post({
        grant_type: 'refresh_token',
        refresh_token,
        service: SERVICE,
        scope: 'repository:app:pull',
      });
      assert.equal(second.status, 200);
      assert.equal(decodeJwt(((await second.json()) as { token: string }).token).claims.sub, 'alice');
      assert.equal((await post({ grant_type: 'refresh_token', refresh_token: 'nope' })).status, 401);
    });
  });

  it('narrows grants with authorize and injects failures with failNext', async () => {
    await withServer({ authorize: (_user, r) => (r.name === 'public' ? r.actions : []) }, async (server) => {
      const res = await fetch(`${server.realm}?scope=repository:public:pull&scope=repository:secret:pull`, {
        headers: { authorization: basic('alice', 'wonderland') },
      });
      assert.deepEqual(decodeJwt(((await res.json()) as { token: string }).token).claims.access, [
        { type: 'repository', name: 'public', actions: ['pull'] },
      ]);
      server.failNext(503, 2);
      assert.equal((await fetch(server.realm)).status, 503);
      assert.equal((await fetch(server.realm)).status, 503);
      assert.equal((await fetch(server.realm)).status, 200);
    });
  });

  it('uses an x5c header on request', async () => {
    await withServer({ keyHeader: 'x5c' }, async (server) => {
      const jwt = decodeJwt(server.issueToken('bob', []));
      const cert = new X509Certificate(await readFile(certPath));
      assert.deepEqual(jwt.header.x5c, [cert.raw.toString('base64')]);
      assert.equal(jwt.header.kid, undefined);
    });
  });
});

/** GET over TLS trusting `caFile`; returns the status and the WWW-Authenticate header. */
function httpsGet(
  url: string,
  caFile: string,
  headers: Record<string, string>,
): Promise<{ status: number; challenge?: string }> {
  return readFile(caFile).then(
    (ca) =>
      new Promise((resolve, reject) => {
        const req = request(url, { ca, headers }, (res) => {
          res.resume();
          res.on('end', () =>
            resolve({ status: res.statusCode ?? 0, challenge: res.headers['www-authenticate'] }),
          );
        });
        req.on('error', reject);
        req.end();
      }),
  );
}

describe('registry C accepts the tokens (docker-registry 2.8)', () => {
  const MANIFEST_PATH = '/v2/corral-selftest/tiny/manifests/latest';
  const ACCEPT = { accept: 'application/vnd.oci.image.manifest.v1+json' };
  const PULL = [{ type: 'repository', name: 'corral-selftest/tiny', actions: ['pull'] }];

  it('challenges with the realm and accepts a token from the running token server', async (t) => {
    const reg = tokenRegistry(t);
    if (!reg) return;
    const url = `https://${reg.host}${MANIFEST_PATH}`;
    const challenge = await httpsGet(url, reg.caFile, ACCEPT);
    assert.equal(challenge.status, 401);
    assert.match(
      challenge.challenge ?? '',
      new RegExp(`^Bearer realm="${reg.realm}",service="${reg.service}"`),
    );
    const res = await fetch(
      `${reg.realm}?service=${reg.service}&scope=repository:corral-selftest/tiny:pull`,
      {
        headers: { authorization: basic(reg.user, reg.password) },
      },
    );
    const { token } = (await res.json()) as { token: string };
    assert.equal(
      (await httpsGet(url, reg.caFile, { ...ACCEPT, authorization: `Bearer ${token}` })).status,
      200,
    );
  });

  it('accepts kid and x5c tokens from the trusted key and rejects others', async (t) => {
    const reg = tokenRegistry(t);
    if (!reg) return;
    const url = `https://${reg.host}${MANIFEST_PATH}`;
    const get = async (token: string): Promise<number> =>
      (await httpsGet(url, reg.caFile, { ...ACCEPT, authorization: `Bearer ${token}` })).status;
    const trusted = {
      port: 0,
      keyPath: reg.keyPath,
      certPath: reg.certPath,
      issuer: reg.issuer,
      service: reg.service,
      users: {},
    };
    for (const keyHeader of ['kid', 'x5c'] as const) {
      const server = await startTokenServer({ ...trusted, keyHeader });
      try {
        assert.equal(await get(server.issueToken('corral', PULL)), 200, keyHeader);
        assert.equal(await get(server.issueToken('corral', [])), 401, `${keyHeader}: no access`);
        assert.equal(
          await get(server.issueToken('corral', PULL, { expiresInSeconds: -120 })),
          401,
          `${keyHeader}: expired`,
        );
      } finally {
        await server.close();
      }
    }
    const untrusted = await startTokenServer({ ...trusted, keyPath, certPath });
    const wrongIssuer = await startTokenServer({ ...trusted, issuer: 'someone-else' });
    try {
      assert.equal(await get(untrusted.issueToken('corral', PULL)), 401, 'untrusted key');
      assert.equal(await get(wrongIssuer.issueToken('corral', PULL)), 401, 'wrong issuer');
    } finally {
      await untrusted.close();
      await wrongIssuer.close();
    }
  });
});
