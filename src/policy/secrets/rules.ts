/**
 * THE list of secret rules. Each rule is a regex plus cheap filters (keywords that must occur in the
 * file, paths it applies to) and checks on the captured value (entropy, allow regexes, a validator).
 * Written for Corral; the rule style (id, keywords, entropy, allow-lists) follows gitleaks' model.
 */

export interface SecretRule {
  /** Stable id: appears in findings, config (`disabledRules`) and reports. */
  readonly id: string;
  readonly description: string;
  /**
   * Must be global (`g`). The secret is capture group `secretGroup` (default 1, or the whole match when the
   * regex has no groups).
   */
  readonly regex: RegExp;
  readonly secretGroup?: number;
  /** Lower-case strings; the regex only runs on files containing at least one (fast prefilter). */
  readonly keywords?: readonly string[];
  /** Minimum Shannon entropy (bits per character) of the secret. */
  readonly entropy?: number;
  /** Picomatch globs (absolute paths): the rule only applies to matching files. */
  readonly paths?: readonly string[];
  /** A secret matching any of these is ignored (examples, placeholders). */
  readonly allow?: readonly RegExp[];
  /** A match whose named group `key` (the assigned name) matches this is ignored. */
  readonly allowKey?: RegExp;
  /** Report the line where the whole match starts (a PEM header) instead of the secret's first line. */
  readonly lineOfMatch?: boolean;
  /** Canonical form of the captured secret (checked, redacted and fingerprinted), e.g. PEM without breaks. */
  readonly normalize?: (secret: string) => string;
  /** Extra structural check on the secret (e.g. a JWT header that decodes to JSON). */
  readonly validate?: (secret: string) => boolean;
}

/** Values that are obviously not real secrets: templates, variables, documentation placeholders. */
export const PLACEHOLDER =
  /change.?me|example|placeholder|dummy|sample|your[_-]|redacted|x{4,}|\*{3,}|\.{3}|^<.*>$|\$\{|\{\{|%\(|^(?:true|false|null|none|nil|undefined)$/i;

/**
 * Example credentials printed in specifications and copied into library docstrings: RFC 6749 (OAuth 2.0)
 * sections 4.1-4.2 and 6, RFC 5849 (OAuth 1.0) section 1.2.
 */
const SPEC_EXAMPLES =
  /^(?:2YotnFZFEjr1zCsicMWpAA|tGzv3JOkF0XG5Qx2TlKWIA|SplxlOBeZQQYbYS6WxSbIA|hh5s93j4hdidpola|hdk48Djdsa|ad180jjd733klru7|nnch734d00sl2jdk|pfkkdhi9sl3r4s00|dh893hdasih9|kd94hf93k423kf44)$/;

/** A PEM line break: a newline, or the two characters `\\n` of a JSON / env string. */
const PEM_NL = '(?:\\r?\\n|\\\\n)';

function isBase64UserPass(value: string): boolean {
  if (value.length % 4 !== 0) return false;
  const decoded = Buffer.from(value, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  // printable "user:pass" with a non-empty password
  return colon > 0 && colon < decoded.length - 1 && /^[\x20-\x7e]+$/.test(decoded);
}

function isJwt(token: string): boolean {
  const [header, payload] = token.split('.');
  try {
    const h = JSON.parse(Buffer.from(header ?? '', 'base64url').toString('utf8')) as unknown;
    const p = JSON.parse(Buffer.from(payload ?? '', 'base64url').toString('utf8')) as unknown;
    return typeof h === 'object' && h !== null && 'alg' in h && typeof p === 'object' && p !== null;
  } catch {
    return false;
  }
}

/** Has at least one letter and one digit: generated secrets do, prose and identifiers mostly don't. */
function looksGenerated(value: string): boolean {
  return (
    /[A-Za-z]/.test(value) &&
    /[0-9]/.test(value) &&
    !NAMES_A_SECRET.test(value) &&
    !looksLikeIdentifier(value)
  );
}

/**
 * Code names (`V1LocalObjectReference`, `asn1_NOVALUE`, `exports2.MAJOR`) split into long words at case,
 * digit and punctuation changes; generated secrets split into short runs (`d-FL95Q19q7…`).
 */
function looksLikeIdentifier(value: string): boolean {
  // all-lowercase runs come from random lowercase secrets as often as from names: only judge code-styled ones
  if (!/^[A-Za-z_$][\w$.]*$/.test(value) || !/[A-Z_.]/.test(value)) return false;
  const words = value.match(/[A-Z]?[a-z]+|[A-Z]+(?![a-z])/g) ?? [];
  const letters = words.reduce((n, w) => n + w.length, 0);
  return words.length > 0 && letters / words.length >= 4;
}

/**
 * A value that itself says password/secret/token/key is a name (a variable, a constant, a type, a
 * config reference such as `fts5FindTokenizer_v2` or `AuthenticationMD5Password`), not a generated secret.
 */
const NAMES_A_SECRET = /passw|secret|token|api.?key|access.?key|credential/i;

export const RULES: readonly SecretRule[] = [
  {
    id: 'private-key',
    description: 'PEM private key (RSA, EC, DSA, OpenSSH, PKCS#8, encrypted)',
    // header, optional RFC 1421 headers (Proc-Type, DEK-Info), base64 lines, the matching footer. Lines
    // end in a newline or a literal `\n` (keys inside JSON strings); each line is unambiguous, so a header
    // without a footer costs linear time.
    regex: new RegExp(
      `-----BEGIN ((?:RSA |EC |DSA |OPENSSH |ENCRYPTED )?PRIVATE KEY)-----${PEM_NL}` +
        `(?:[A-Za-z-]+: [^\\r\\n\\\\]*${PEM_NL})*(?:[ \\t]*${PEM_NL})?` +
        `((?:[ \\t]*[A-Za-z0-9+/=]+${PEM_NL})+)[ \\t]*-----END \\1-----`,
      'g',
    ),
    secretGroup: 2,
    lineOfMatch: true,
    normalize: (body) => body.replace(/\\n|\s/g, ''),
    validate: (body) => body.length >= 64,
    keywords: ['private key-----'],
  },
  {
    id: 'aws-access-key-id',
    description: 'AWS access key id',
    regex: /(?<![A-Z0-9])((?:AKIA|ASIA|ABIA|ACCA)[A-Z2-7]{16})(?![A-Za-z0-9])/g,
    keywords: ['akia', 'asia', 'abia', 'acca'],
    entropy: 3,
    allow: [/EXAMPLE$/],
  },
  {
    id: 'aws-secret-access-key',
    description: 'AWS secret access key (next to an AWS context)',
    regex:
      /aws[\w.-]{0,30}?(?:secret|private)[\w.-]{0,30}?["']?\s*(?::=|=>|=|:)\s*["']?([A-Za-z0-9/+]{40})(?![A-Za-z0-9/+=])/gi,
    keywords: ['aws'],
    entropy: 4,
    allow: [/EXAMPLEKEY$/, PLACEHOLDER],
  },
  {
    id: 'github-token',
    description: 'GitHub token (personal, OAuth, user-to-server, server-to-server, refresh)',
    regex: /(?<![A-Za-z0-9_])(gh[pousr]_[A-Za-z0-9]{36})(?![A-Za-z0-9_])/g,
    keywords: ['ghp_', 'gho_', 'ghu_', 'ghs_', 'ghr_'],
    entropy: 3.5,
  },
  {
    id: 'github-fine-grained-pat',
    description: 'GitHub fine-grained personal access token',
    regex: /(?<![A-Za-z0-9_])(github_pat_[A-Za-z0-9]{22}_[A-Za-z0-9]{59})(?![A-Za-z0-9_])/g,
    keywords: ['github_pat_'],
    entropy: 3.5,
  },
  {
    id: 'gitlab-pat',
    description: 'GitLab personal access token',
    regex: /(?<![A-Za-z0-9_-])(glpat-[A-Za-z0-9_-]{20})(?![A-Za-z0-9_-])/g,
    keywords: ['glpat-'],
    entropy: 3,
  },
  {
    id: 'slack-token',
    description: 'Slack API token (bot, user, app, workspace, refresh)',
    regex: /(?<![A-Za-z0-9-])(xox[abeoprs]-[0-9]{6,14}-[A-Za-z0-9-]{16,100})(?![A-Za-z0-9-])/g,
    keywords: ['xoxa-', 'xoxb-', 'xoxe-', 'xoxo-', 'xoxp-', 'xoxr-', 'xoxs-'],
    entropy: 3,
  },
  {
    id: 'slack-webhook',
    description: 'Slack incoming webhook URL',
    regex:
      /hooks\.slack\.com\/services\/(T[A-Z0-9]{8,12}\/B[A-Z0-9]{8,12}\/[A-Za-z0-9]{20,32})(?![A-Za-z0-9])/g,
    keywords: ['hooks.slack.com'],
  },
  {
    id: 'stripe-live-key',
    description: 'Stripe live secret or restricted key',
    regex: /(?<![A-Za-z0-9_])((?:sk|rk)_live_[A-Za-z0-9]{24,99})(?![A-Za-z0-9_])/g,
    keywords: ['sk_live_', 'rk_live_'],
    entropy: 3.5,
  },
  {
    id: 'google-api-key',
    description: 'Google API key',
    regex: /(?<![A-Za-z0-9_-])(AIza[A-Za-z0-9_-]{35})(?![A-Za-z0-9_-])/g,
    keywords: ['aiza'],
    entropy: 3.5,
  },
  {
    id: 'npm-token',
    description: 'npm access token',
    regex: /(?<![A-Za-z0-9_])(npm_[A-Za-z0-9]{36})(?![A-Za-z0-9_])/g,
    keywords: ['npm_'],
    entropy: 3.5,
  },
  {
    id: 'pypi-token',
    description: 'PyPI upload token (pypi.org or test.pypi.org)',
    // the macaroon's base64 starts with the location "pypi.org" / "test.pypi.org"
    regex: /(?<![A-Za-z0-9_-])(pypi-(?:AgEIcHlwaS5vcmc|AgENdGVzdC5weXBpLm9yZw)[A-Za-z0-9_-]{50,})/g,
    keywords: ['pypi-ag'],
  },
  {
    id: 'docker-config-auth',
    description: 'Docker registry credentials (base64 user:password) in a Docker/Podman auth file',
    regex: /"auth"\s*:\s*"([A-Za-z0-9+/]{6,}={0,2})"/g,
    keywords: ['"auth"'],
    paths: ['**/.docker/config.json', '**/.dockercfg', '**/containers/auth.json'],
    validate: isBase64UserPass,
  },
  {
    id: 'jwt',
    description: 'JSON Web Token',
    regex:
      /(?<![A-Za-z0-9_-])(eyJ[A-Za-z0-9_-]{10,}\.eyJ[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]{10,})(?![A-Za-z0-9_-])/g,
    keywords: ['eyj'],
    validate: isJwt,
  },
  {
    id: 'generic-secret',
    description: 'High-entropy value assigned to a password, secret, API key or token',
    // KEY = VALUE, KEY: VALUE, "KEY": "VALUE", KEY := VALUE, KEY => VALUE
    regex:
      /(?<![A-Za-z0-9])(?<key>[A-Za-z0-9_.-]{0,40}?(?:passw(?:or)?d|secret|api[_.-]?key|access[_.-]?key|auth[_.-]?token|token)[A-Za-z0-9_.-]{0,20})["'\]}]{0,2}[ \t]*(?::=|=>|=|:)[ \t]*["']?([A-Za-z0-9+/_~!@#%^*.-][A-Za-z0-9+/=_~!@#%^*.-]{11,127})(?=["'`\s;,)]|$)/gim,
    secretGroup: 2,
    keywords: [
      'passwd',
      'password',
      'secret',
      'apikey',
      'api_key',
      'api-key',
      'api.key',
      'accesskey',
      'access_key',
      'access-key',
      'access.key',
      'token',
    ],
    entropy: 3.5,
    // identifiers (a.b_c), paths and file names are references to a secret, not the secret
    allow: [PLACEHOLDER, /^[a-z]+(?:[._-][a-z]+)+$/i, /^(?:\/|\.{1,2}\/|~\/)/, SPEC_EXAMPLES],
    // keys that hold a hash, a reference, a type or a location of a secret, not the secret
    allowKey:
      /(?:hash|salt|digest|ref|type|kind|url|uri|file|path|name|id|header|prefix|len|length|size|field|env)$/i,
    validate: looksGenerated,
  },
];

export function findRule(id: string): SecretRule | undefined {
  return RULES.find((r) => r.id === id);
}
