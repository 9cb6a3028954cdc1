/**
 * `trust`: "who built this".
 * - `signature.keys`: PEM public keys (paths relative to the policy file); the image must carry a valid
 *   cosign-style signature from one of them.
 * - `provenance`: a SLSA provenance attestation signed by one of `provenance.keys` (default: the
 *   signature keys) whose `builderId` matches one of `builders` and whose source repository matches one
 *   of `sourceRepositories` (picomatch globs, e.g. `https://github.com/acme/**`).
 * Keys are identified by `sha256:` of their SPKI DER (src/attest/keys.ts keyFingerprint), the same id
 * the input document's `signatures[].keyFingerprint` and `provenance[].keyFingerprint` carry.
 */
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import picomatch from 'picomatch';
import { z } from 'zod';
import { keyFingerprint } from '../../attest/keys.js';
import { describeError } from '../../errors.js';
import type { InputProvenance } from '../model.js';
import { defineRule, type RuleIssue } from '../rule-kind.js';

const keyList = z.array(z.string().min(1)).min(1);

const params = z.object({
  kind: z.literal('trust'),
  signature: z.object({ keys: keyList }).strict().optional(),
  provenance: z
    .object({
      keys: keyList.optional(),
      builders: z.array(z.string().min(1)).min(1),
      sourceRepositories: z.array(z.string().min(1)).min(1),
    })
    .strict()
    .optional(),
});

export interface TrustKey {
  file: string;
  pem: string;
  fingerprint: string;
}

export interface TrustState {
  signatureKeys: TrustKey[];
  provenanceKeys: TrustKey[];
}

async function loadKeys(
  files: readonly string[],
  dir: string,
  path: (string | number)[],
  issues: RuleIssue[],
): Promise<TrustKey[]> {
  const keys: TrustKey[] = [];
  for (const [i, f] of files.entries()) {
    const file = resolve(dir, f);
    try {
      const pem = await readFile(file, 'utf8');
      keys.push({ file, pem, fingerprint: keyFingerprint(pem) });
    } catch (err) {
      issues.push({ path: [...path, i], message: `cannot use key ${f}: ${describeError(err)}` });
    }
  }
  return keys;
}

function provenanceProblems(
  p: InputProvenance,
  fingerprints: ReadonlySet<string>,
  builders: (s: string) => boolean,
  sources: (s: string) => boolean,
): string[] {
  const problems: string[] = [];
  if (!fingerprints.has(p.keyFingerprint)) problems.push(`signed by unlisted key ${p.keyFingerprint}`);
  if (p.builderId === undefined || !builders(p.builderId))
    problems.push(`builder ${p.builderId ?? '(none)'} is not allowed`);
  if (!p.sourceRepositories.some((s) => sources(s)))
    problems.push(`source ${p.sourceRepositories.join(', ') || '(none)'} is not allowed`);
  return problems;
}

export const trustRule = defineRule<typeof params, TrustState>({
  kind: 'trust',
  summary: 'signatures from listed keys; provenance from allowed builders and source repositories',
  params,
  needs: () => ['trust'],
  async prepare(rule, ctx) {
    const issues: RuleIssue[] = [];
    if (rule.signature === undefined && rule.provenance === undefined)
      issues.push({ path: [], message: 'give signature, provenance or both' });
    const signatureKeys = await loadKeys(
      rule.signature?.keys ?? [],
      ctx.policyDir,
      ['signature', 'keys'],
      issues,
    );
    const provenanceKeys =
      rule.provenance?.keys !== undefined
        ? await loadKeys(rule.provenance.keys, ctx.policyDir, ['provenance', 'keys'], issues)
        : signatureKeys;
    if (rule.provenance !== undefined && provenanceKeys.length === 0 && issues.length === 0)
      issues.push({
        path: ['provenance', 'keys'],
        message: 'provenance needs keys (here or under signature.keys)',
      });
    return { issues, state: { signatureKeys, provenanceKeys } };
  },
  evaluate(rule, input, _ctx, state) {
    const evidence: unknown[] = [];
    const problems: string[] = [];
    if (rule.signature !== undefined) {
      const fps = new Set(state.signatureKeys.map((k) => k.fingerprint));
      const good = input.signatures.filter((s) => fps.has(s.keyFingerprint));
      evidence.push({ signatures: good, requiredKeys: [...fps] });
      if (good.length === 0)
        problems.push(
          `no signature from a listed key${input.trustFailures.length > 0 ? ` (${input.trustFailures.join('; ')})` : ''}`,
        );
    }
    if (rule.provenance !== undefined) {
      const fps = new Set(state.provenanceKeys.map((k) => k.fingerprint));
      const builders = picomatch(rule.provenance.builders, { dot: true });
      const sources = picomatch(rule.provenance.sourceRepositories, { dot: true });
      const checked = input.provenance.map((p) => ({
        builderId: p.builderId,
        sourceRepositories: p.sourceRepositories,
        keyFingerprint: p.keyFingerprint,
        problems: provenanceProblems(p, fps, builders, sources),
      }));
      evidence.push({ provenance: checked });
      if (!checked.some((c) => c.problems.length === 0))
        problems.push(
          checked.length === 0
            ? 'no verified provenance attestation'
            : `no acceptable provenance: ${checked.map((c) => c.problems.join(', ')).join('; ')}`,
        );
    }
    return problems.length === 0
      ? { pass: true, message: 'signed and built by trusted parties', evidence }
      : { pass: false, message: problems.join('; '), evidence };
  },
});
