import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { createSecretDetector, fingerprint, isBinary, redact } from './detect.js';
import { shannonEntropy } from './entropy.js';
import { fakePrivateKeys, fakeTokens } from './testdata/fake-secrets.js';
import { pemBody } from './testdata/planted-image.js';

const detector = createSecretDetector();
const rulesIn = (text: string, path = '/app/config'): string[] =>
  detector.detect(path, text).map((m) => m.rule.id);

describe('rules fire on realistic values', () => {
  const t = fakeTokens();
  const cases: [string, string][] = [
    [`export AWS_ACCESS_KEY_ID=${t.awsAccessKeyId}`, 'aws-access-key-id'],
    [`aws_secret_access_key = ${t.awsSecret}`, 'aws-secret-access-key'],
    [`"awsSecretKey": "${t.awsSecret}"`, 'aws-secret-access-key'],
    [`GITHUB_TOKEN=${t.ghs}`, 'github-token'],
    [`url = https://x:${t.githubPat}@github.com/o/r`, 'github-fine-grained-pat'],
    [`CI_TOKEN: ${t.gitlab}`, 'gitlab-pat'],
    [`slack: ${t.slackBot}`, 'slack-token'],
    [`hook = "${t.slackWebhook}"`, 'slack-webhook'],
    [`stripe.api_key = "${t.stripe}"`, 'stripe-live-key'],
    [`const maps = '${t.google}';`, 'google-api-key'],
    [`//registry.npmjs.org/:_authToken=${t.npm}`, 'npm-token'],
    [`password: ${t.pypi}`, 'pypi-token'],
    [`Authorization: Bearer ${t.jwt}`, 'jwt'],
    [`DB_PASSWORD="${t.dbPassword}"`, 'generic-secret'],
    [`  "client_secret": "${t.apiKey}",`, 'generic-secret'],
    [`$config['api_key'] => '${t.apiKey}';`, 'generic-secret'],
    [`auth_token := "${t.dbPassword}"`, 'generic-secret'],
  ];
  for (const [line, rule] of cases) {
    void test(`${rule}: ${line.slice(0, 24)}…`, () => {
      assert.deepEqual(rulesIn(`first line\n${line}\n`), [rule]);
      assert.equal(detector.detect('/x', `first line\n${line}\n`)[0]!.line, 2);
    });
  }
});

describe('no findings on placeholders, references, public material and code names', () => {
  const negatives: string[] = [
    'password=changeme',
    'password = "changeme123456"',
    'api_key=${API_KEY}',
    'token={{ .Values.token }}',
    'DB_PASSWORD=<your-password-1>',
    'secret: xxxxxxxxxxxxxxxxxxxxxxxx',
    'password: "****************1"',
    'aws_access_key_id = AKIAIOSFODNN7EXAMPLE',
    'aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY',
    'auth_token = self.config.auth_token_value',
    'password_file=/run/secrets/db_password',
    "'secret_ref': 'V1LocalObjectReference',",
    'oldPasswd = asn1_NOVALUE,',
    'if( nToken>FTS5_MAX_TOKEN_SIZE ) nToken = FTS5_MAX_TOKEN_SIZE;',
    'exports.AuthenticationMD5Password = AuthenticationMD5Password;',
    '{"password_hash":"2lmoth8l4H0DViLaK9Fxi6l9ds8="}',
    'Location: http://example.com/cb#access_token=2YotnFZFEjr1zCsicMWpAA',
    "'oauth_token=lsdkfol23w54jlksdef&oauth_token_secret=qwe089234lkjsdf&realm=x'",
    'token_type=Bearer1234567890',
    '-----BEGIN CERTIFICATE-----\nMIIBszCCAVmgAwIBAgIUJ0T6n3lQ8a1h7Zb7n7A3yZ7S0l8wCgYIKoZIzj0EAwIw\n-----END CERTIFICATE-----',
    '-----BEGIN PUBLIC KEY-----\nMFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAEq6Zb7n7A3yZ7S0l8wCgYIKoZIzj0EAwIw1234\n-----END PUBLIC KEY-----',
    // a header alone (documentation of the format), no key body
    'keys start with -----BEGIN RSA PRIVATE KEY----- and end with -----END RSA PRIVATE KEY-----',
    '"auth": "bm90LWEtY3JlZGVudGlhbA=="', // base64 without a colon, and not in a docker config
    'eyJhbGciOiJub25lIn0.bm90IGpzb24gYXQgYWxs.c2lnbmF0dXJlZGF0YQ', // payload is not JSON
  ];
  for (const line of negatives) {
    void test(line.slice(0, 60), () => assert.deepEqual(rulesIn(line), []));
  }
});

void test('docker-config-auth applies to Docker/Podman auth files only', () => {
  const auth = Buffer.from('robot:s3cr3t-Pa55word').toString('base64');
  const json = `{"auths":{"r.example":{"auth":"${auth}"}}}`;
  assert.deepEqual(rulesIn(json, '/root/.docker/config.json'), ['docker-config-auth']);
  assert.deepEqual(rulesIn(json, '/run/containers/0/auth.json'), []);
  assert.deepEqual(rulesIn(json, '/etc/containers/auth.json'), ['docker-config-auth']);
  assert.deepEqual(rulesIn(json, '/app/config.json'), []);
});

void test('a token also matched by the generic rule is reported once, by its specific rule', () => {
  const t = fakeTokens();
  assert.deepEqual(rulesIn(`GITHUB_TOKEN="${t.ghp}"\nNPM_TOKEN=${t.npm}\n`), ['github-token', 'npm-token']);
});

void test('findings per file are capped', () => {
  const lines = Array.from({ length: 50 }, () => `GH=${fakeTokens().ghp}`).join('\n');
  assert.equal(detector.detect('/x', lines).length, 20);
  assert.equal(createSecretDetector({ maxFindingsPerFile: 3 }).detect('/x', lines).length, 3);
});

void test('allow paths: defaults (docs, public certs, test fixtures) and user globs', () => {
  for (const p of [
    '/usr/share/doc/openssl/README',
    '/etc/ssl/certs/ca-certificates.crt',
    '/usr/share/ca-certificates/mozilla/X.crt',
    '/usr/lib/python3.11/test/keycert.pem',
    '/usr/lib/python3/dist-packages/oauthlib/tests/x.py',
    '/app/node_modules/jsonwebtoken/test/priv.pem',
  ]) {
    assert.equal(detector.wants(p), false, p);
  }
  assert.equal(detector.wants('/etc/ssl/private/server.key'), true);
  assert.equal(detector.wants('/root/.ssh/id_rsa'), true);
  const custom = createSecretDetector({ allowPaths: ['/opt/vendor/**'] });
  assert.equal(custom.wants('/opt/vendor/x/key.pem'), false);
  assert.equal(custom.wants('/opt/app/key.pem'), true);
});

void test('disabled rules do not run; an unknown id is CONFIG_INVALID', () => {
  const t = fakeTokens();
  const d = createSecretDetector({ disabledRules: ['github-token'] });
  assert.deepEqual(
    d.detect('/x', `A=${t.ghp}\nB=${t.npm}\n`).map((m) => m.rule.id),
    ['npm-token'],
  );
  assert.throws(
    () => createSecretDetector({ disabledRules: ['github'] }),
    (e: Error & { code?: string }) => e.code === 'CONFIG_INVALID' && e.message.includes('"github"'),
  );
});

void test('redaction keeps at most 4 leading characters and at most a quarter of short values', () => {
  assert.equal(redact('AKIAABCDEFGHIJKLMNOP'), 'AKIA****************');
  assert.equal(redact('abcdefgh'), 'ab******');
  assert.equal(redact('x'.repeat(200)).length, 20);
  assert.equal(fingerprint('abc'), 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
});

void test('entropy and binary sniffing', () => {
  assert.equal(shannonEntropy(''), 0);
  assert.equal(shannonEntropy('aaaa'), 0);
  assert.equal(shannonEntropy('abcd'), 2);
  assert.ok(shannonEntropy(fakeTokens().awsSecret) > 4);
  assert.equal(isBinary(Buffer.from('plain text\n')), false);
  assert.equal(isBinary(Buffer.from('ELF\0')), true);
  const lateNul = Buffer.concat([Buffer.alloc(9000, 0x41), Buffer.from([0])]);
  assert.equal(isBinary(lateNul), false, 'only the first 8 KiB are sniffed');
});

describe('private keys', () => {
  const keys = fakePrivateKeys();
  for (const [name, block] of Object.entries(keys) as [string, string][]) {
    void test(`${name}: found, fingerprinted over the base64 body without line breaks`, () => {
      const [m, ...rest] = detector.detect('/k', `# key\n${block}`);
      assert.equal(rest.length, 0);
      assert.equal(m!.rule.id, 'private-key');
      assert.equal(m!.line, 2);
      assert.equal(fingerprint(m!.secret), fingerprint(pemBody(block)));
    });
  }

  void test('inside a JSON string (escaped newlines) and indented in YAML: same fingerprint', () => {
    const block = keys.pkcs8;
    const json = JSON.stringify({ type: 'service_account', private_key: block });
    const yaml = `tls:\n  key: |\n${block.replace(/^/gm, '    ')}\n`;
    const want = fingerprint(pemBody(block));
    for (const text of [json, yaml]) {
      const found = detector.detect('/k', text);
      assert.deepEqual(
        found.map((m) => [m.rule.id, fingerprint(m.secret)]),
        [['private-key', want]],
      );
    }
  });

  void test('a header followed by megabytes of base64 and no footer is rejected in linear time', () => {
    const line = `${'QUJD'.repeat(16)}\n`;
    const text = `-----BEGIN RSA PRIVATE KEY-----\n${line.repeat(40_000)}`.repeat(2);
    const started = performance.now();
    assert.deepEqual(rulesIn(text), []);
    const ms = performance.now() - started;
    assert.ok(ms < 2000, `took ${Math.round(ms)} ms`);
  });
});
