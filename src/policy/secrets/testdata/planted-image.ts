/**
 * A real OCI layout with fake secrets of every rule planted in various files (shared by the scanner and
 * CLI tests). Layer 1 deletes /root/.ssh/id_rsa and rewrites /app/settings.py without its secret, so
 * both stay findings of layer 0.
 */
import { buildOciLayout, type FileSpec } from '../../../../test/helpers/build-image.js';
import { fakePrivateKeys, fakeTokens, type FakeTokens } from './fake-secrets.js';

export interface Expected {
  ruleId: string;
  path: string;
  layerIndex: number;
  secret: string;
}

export interface PlantedImage {
  ref: string;
  expected: Expected[];
  /** Every planted secret value (for "never printed" checks). */
  secrets: string[];
  tokens: FakeTokens;
}

/** Base64 body of a PEM block without line breaks (what the private-key rule fingerprints). */
export function pemBody(block: string): string {
  const lines = block.trim().split('\n');
  return lines
    .slice(1, -1)
    .filter((l) => !l.includes(': '))
    .join('')
    .trim();
}

const dirs = (...paths: string[]): FileSpec[] => paths.map((path) => ({ path, type: 'dir' }));

export const BIG_FILE_BYTES = 96 * 1024;

type Plant = (ruleId: string, path: string, secret: string, layerIndex?: number) => void;

export async function buildPlantedImage(layout: string): Promise<PlantedImage> {
  const t = fakeTokens();
  const lateToken = fakeTokens().ghp;
  const expected: Expected[] = [];
  const plant: Plant = (ruleId, path, secret, layerIndex = 0) => {
    expected.push({ ruleId, path, layerIndex, secret });
  };
  const keys = keyFiles(plant);
  const tokens = tokenFiles(t, plant);
  plant('github-token', '/app/late.env', lateToken, 1);
  await buildOciLayout(layout, {
    tag: 'v1',
    layers: [
      {
        files: [
          ...dirs('/root/', '/root/.ssh/', '/root/.docker/', '/etc/', '/etc/app/', '/app/', '/app/config/'),
          ...dirs('/home/', '/home/dev/', '/home/dev/.aws/', '/home/node/', '/app/bin/'),
          ...dirs('/usr/', '/usr/share/', '/usr/share/doc/', '/usr/share/doc/app/'),
          ...keys,
          ...tokens,
          ...decoyFiles(t),
        ],
      },
      {
        files: [
          { path: '/root/.ssh/id_rsa', type: 'whiteout' },
          { path: '/app/settings.py', content: 'DEBUG = False\nDATABASE_PASSWORD = os.environ["DB_PASSWORD"]\n' },
          { path: '/app/late.env', content: `GH_TOKEN=${lateToken}\n` },
        ],
        createdBy: 'RUN rm /root/.ssh/id_rsa',
      },
    ],
  });
  const secrets = [
    ...Object.values(t).filter((v) => v !== t.dockerUser),
    lateToken,
    ...expected.map((e) => e.secret),
  ];
  return { ref: `oci-layout:${layout}:v1`, expected, secrets, tokens: t };
}

/** One file per private-key flavour. */
function keyFiles(plant: Plant): FileSpec[] {
  const k = fakePrivateKeys();
  const files: [string, string][] = [
    ['/root/.ssh/id_rsa', k.rsaPkcs1],
    ['/root/.ssh/id_ed25519', k.openssh],
    ['/etc/app/ec.key', k.ecSec1],
    ['/etc/app/pkcs8.pem', k.pkcs8],
    ['/etc/app/encrypted.pem', k.encryptedPkcs8],
    ['/etc/app/legacy.pem', k.legacyEncrypted],
    ['/etc/app/dsa.key', k.dsa],
  ];
  for (const [path, block] of files) plant('private-key', path, pemBody(block));

  return files.map(([path, content]) => ({ path, content, mode: 0o600 }));
}

/** Tokens of every other rule, in the files where they are usually left behind. */
function tokenFiles(t: FakeTokens, plant: Plant): FileSpec[] {
  const dockerAuth = Buffer.from(`${t.dockerUser}:${t.dockerPassword}`).toString('base64');
  const env = [
    '# deployment settings',
    `AWS_ACCESS_KEY_ID=${t.awsAccessKeyId}`,
    `AWS_SECRET_ACCESS_KEY=${t.awsSecret}`,
    `STRIPE_KEY="${t.stripe}"`,
    `GOOGLE_MAPS_KEY=${t.google}`,
    '',
  ].join('\n');
  plant('aws-access-key-id', '/app/.env', t.awsAccessKeyId);
  plant('aws-secret-access-key', '/app/.env', t.awsSecret);
  plant('stripe-live-key', '/app/.env', t.stripe);
  plant('google-api-key', '/app/.env', t.google);

  const awsCreds = `[default]\naws_access_key_id = ${t.awsSessionKeyId}\naws_secret_access_key = ${t.awsSecret}\n`;
  plant('aws-access-key-id', '/home/dev/.aws/credentials', t.awsSessionKeyId);
  plant('aws-secret-access-key', '/home/dev/.aws/credentials', t.awsSecret);

  const yaml = [
    'ci:',
    `  github: ${t.ghp}`,
    `  oauth: ${t.gho}`,
    `  user_to_server: "${t.ghu}"`,
    `  server_to_server: '${t.ghs}'`,
    `  refresh: ${t.ghr}`,
    `  fine_grained: ${t.githubPat}`,
    `  gitlab: ${t.gitlab}`,
    `  slack_bot: ${t.slackBot}`,
    `  slack_user: ${t.slackUser}`,
    `  slack_hook: ${t.slackWebhook}`,
    `  stripe_restricted: ${t.stripeRestricted}`,
    '',
  ].join('\n');
  for (const s of [t.ghp, t.gho, t.ghu, t.ghs, t.ghr]) plant('github-token', '/app/config/ci.yaml', s);
  plant('github-fine-grained-pat', '/app/config/ci.yaml', t.githubPat);
  plant('gitlab-pat', '/app/config/ci.yaml', t.gitlab);
  plant('slack-token', '/app/config/ci.yaml', t.slackBot);
  plant('slack-token', '/app/config/ci.yaml', t.slackUser);
  plant('slack-webhook', '/app/config/ci.yaml', t.slackWebhook.replace('https://hooks.slack.com/services/', ''));
  plant('stripe-live-key', '/app/config/ci.yaml', t.stripeRestricted);

  const npmrc = `registry=https://registry.npmjs.org/\n//registry.npmjs.org/:_authToken=${t.npm}\n`;
  plant('npm-token', '/home/node/.npmrc', t.npm);
  const pypirc = `[distutils]\nindex-servers = pypi\n\n[pypi]\nusername = __token__\npassword = ${t.pypi}\n`;
  plant('pypi-token', '/root/.pypirc', t.pypi);
  const dockerConfig = JSON.stringify({ auths: { 'registry.example.com': { auth: dockerAuth } } }, null, 2);
  plant('docker-config-auth', '/root/.docker/config.json', dockerAuth);
  plant('jwt', '/app/session.txt', t.jwt);
  const settings = `DEBUG = False\nDATABASE_PASSWORD = "${t.dbPassword}"\nPAYMENT_API_KEY: '${t.apiKey}'\n`;
  plant('generic-secret', '/app/settings.py', t.dbPassword);
  plant('generic-secret', '/app/settings.py', t.apiKey);

  return [
    { path: '/app/.env', content: env },
    { path: '/home/dev/.aws/credentials', content: awsCreds },
    { path: '/app/config/ci.yaml', content: yaml },
    { path: '/home/node/.npmrc', content: npmrc },
    { path: '/root/.pypirc', content: pypirc },
    { path: '/root/.docker/config.json', content: dockerConfig },
    { path: '/app/session.txt', content: `session=${t.jwt}\n` },
    { path: '/app/settings.py', content: settings },
  ];
}

/** Files that must NOT be findings: placeholders, a certificate, a binary, an oversized log, docs. */
function decoyFiles(t: FakeTokens): FileSpec[] {
  const decoys = [
    'password=changeme',
    'api_key=${API_KEY}',
    'token=xxxxxxxxxxxxxxxxxxxx',
    'password: <password>',
    'secret = "{{ vault_secret }}"',
    'aws_access_key_id = AKIAIOSFODNN7EXAMPLE',
    'auth_token = self.config.auth_token_value',
    'password_file=/run/secrets/db_password',
    '',
  ].join('\n');
  const cert = pemCertificateLike();
  const binary = Buffer.concat([Buffer.from('\x7fELF\0\0\0'), Buffer.from(`token=${t.ghp}\n`)]);
  const big = `${'# filler line\n'.repeat(BIG_FILE_BYTES / 14)}github=${t.ghp}\n`;

  return [
    { path: '/app/decoys.conf', content: decoys },
    { path: '/app/server.crt', content: cert },
    { path: '/app/bin/tool', content: binary, mode: 0o755 },
    { path: '/app/big.log', content: big },
    // documentation is allow-listed by default
    { path: '/usr/share/doc/app/README', content: `example: ${t.ghs}\n` },
  ];
}

/** A public certificate shape: BEGIN CERTIFICATE armour around base64 (never a finding). */
function pemCertificateLike(): string {
  const body = Buffer.alloc(600, 0x5a).toString('base64').match(/.{1,64}/g)!.join('\n');
  return `-----BEGIN CERTIFICATE-----\n${body}\n-----END CERTIFICATE-----\n`;
}
