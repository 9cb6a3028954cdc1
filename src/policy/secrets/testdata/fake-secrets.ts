/**
 * Generates FAKE secrets for tests: right prefixes, lengths and alphabets, random bodies (high entropy),
 * so they look like real credentials to the rules without being any. Private keys are real keys made on
 * the spot (worthless outside the test).
 */
import { generateKeyPairSync, randomBytes } from 'node:crypto';

const UPPER_DIGITS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';
const ALNUM = `${UPPER_DIGITS}abcdefghijklmnopqrstuvwxyz`;
const BASE32 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

export function randomFrom(alphabet: string, n: number): string {
  const bytes = randomBytes(n);
  let out = '';
  for (let i = 0; i < n; i++) out += alphabet[bytes[i]! % alphabet.length];
  return out;
}

const alnum = (n: number): string => randomFrom(ALNUM, n);
const digits = (n: number): string => randomFrom('0123456789', n);
const b64url = (s: string | Buffer): string => Buffer.from(s).toString('base64url');

/** Wraps base64 at 64 columns between PEM armour lines. */
function pem(label: string, body: Buffer, headers: string[] = []): string {
  const lines = body.toString('base64').match(/.{1,64}/g) ?? [];
  const head = headers.length > 0 ? `${headers.join('\n')}\n\n` : '';
  return `-----BEGIN ${label}-----\n${head}${lines.join('\n')}\n-----END ${label}-----\n`;
}

export interface FakeKeys {
  rsaPkcs1: string;
  ecSec1: string;
  pkcs8: string;
  encryptedPkcs8: string;
  legacyEncrypted: string;
  dsa: string;
  openssh: string;
}

export function fakePrivateKeys(): FakeKeys {
  const rsa = generateKeyPairSync('rsa', { modulusLength: 1024 });
  const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const passphrase = alnum(16);
  return {
    rsaPkcs1: rsa.privateKey.export({ type: 'pkcs1', format: 'pem' }).toString(),
    ecSec1: ec.privateKey.export({ type: 'sec1', format: 'pem' }).toString(),
    pkcs8: ec.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
    encryptedPkcs8: rsa.privateKey
      .export({ type: 'pkcs8', format: 'pem', cipher: 'aes-256-cbc', passphrase })
      .toString(),
    // RFC 1421 headers (Proc-Type, DEK-Info) before the body
    legacyEncrypted: rsa.privateKey
      .export({ type: 'pkcs1', format: 'pem', cipher: 'aes-128-cbc', passphrase })
      .toString(),
    dsa: pem('DSA PRIVATE KEY', randomBytes(440)),
    openssh: pem('OPENSSH PRIVATE KEY', Buffer.concat([Buffer.from('openssh-key-v1\0'), randomBytes(380)])),
  };
}

/** One fake value per token rule, keyed by a short name. */
export function fakeTokens() {
  return {
    awsAccessKeyId: `AKIA${randomFrom(BASE32, 16)}`,
    awsSessionKeyId: `ASIA${randomFrom(BASE32, 16)}`,
    awsSecret: randomFrom(`${ALNUM}/+`, 40),
    ghp: `ghp_${alnum(36)}`,
    gho: `gho_${alnum(36)}`,
    ghu: `ghu_${alnum(36)}`,
    ghs: `ghs_${alnum(36)}`,
    ghr: `ghr_${alnum(36)}`,
    githubPat: `github_pat_${alnum(22)}_${alnum(59)}`,
    gitlab: `glpat-${randomFrom(`${ALNUM}_-`, 20)}`,
    slackBot: `xoxb-${digits(12)}-${digits(13)}-${alnum(24)}`,
    slackUser: `xoxp-${digits(11)}-${digits(12)}-${digits(13)}-${randomFrom('0123456789abcdef', 32)}`,
    slackWebhook: `https://hooks.slack.com/services/T${randomFrom(UPPER_DIGITS, 10)}/B${randomFrom(UPPER_DIGITS, 10)}/${alnum(24)}`,
    stripe: `sk_live_${alnum(48)}`,
    stripeRestricted: `rk_live_${alnum(32)}`,
    google: `AIza${randomFrom(`${ALNUM}_-`, 35)}`,
    npm: `npm_${alnum(36)}`,
    pypi: `pypi-AgEIcHlwaS5vcmc${randomFrom(`${ALNUM}_-`, 120)}`,
    dockerUser: 'ci-bot',
    dockerPassword: alnum(24),
    jwt: [
      b64url(JSON.stringify({ alg: 'HS256', typ: 'JWT' })),
      b64url(JSON.stringify({ sub: `user-${digits(6)}`, iat: 1_700_000_000, scope: 'admin' })),
      b64url(randomBytes(32)),
    ].join('.'),
    dbPassword: `${alnum(10)}9${alnum(13)}`,
    apiKey: `${alnum(16)}7${alnum(15)}`,
  };
}
export type FakeTokens = ReturnType<typeof fakeTokens>;
