/**
 * Gathering: image facts → the input document, doing only what the environment's rules need (no
 * secret scan without a `secrets` rule or a CEL rule naming `secrets`, no registry calls for
 * signatures without a `trust` rule…). The work itself belongs to other modules: image/ reads the
 * config and base images, policy/secrets scans files, attest/ verifies signatures and attestations,
 * catalog/ and match/ (called by the CLI, as `corral scan` does) give packages and findings.
 */
import { join } from 'node:path';
import { checkTrust } from '../attest/index.js';
import { openImage } from '../image/index.js';
import type { Image, ResolveOptions } from '../image/types.js';
import type { ScanResult } from '../match/model.js';
import type { Sbom } from '../sbom/model.js';
import { scanImageSecrets } from './secrets/index.js';
import {
  findingsInput,
  imageInput,
  isProvenanceType,
  packagesInput,
  provenanceFacts,
  refRepository,
} from './input.js';
import { needsOf, type LoadedRule } from './load.js';
import type { InputProvenance, PolicyInput, RuleNeed } from './model.js';
import type { TrustState } from './rules/trust.js';

/** The parts of the input document read from the opened image (while it is open). */
export type ImageFacts = Pick<PolicyInput, 'image' | 'config' | 'secrets' | 'baseImages'>;

export interface GatherOptions {
  resolve: ResolveOptions;
  onLayerBytes?: (bytes: number) => void;
  /** Directory of the policy file: relative paths in base image references are resolved against it. */
  policyDir?: string;
}

const PATH_REF = /^(oci-layout|oci-archive|docker-archive|dir):(?!\/)(.+)$/;

/** `oci-layout:bases/debian:v1` in a policy file means a layout next to the policy file. */
export function resolveRefAgainst(ref: string, dir: string | undefined): string {
  const m = dir === undefined ? null : PATH_REF.exec(ref);
  return m === null || dir === undefined ? ref : `${m[1] ?? ''}:${join(dir, m[2] ?? '')}`;
}

function baseImageRefs(rules: readonly LoadedRule[]): string[] {
  const refs = rules.flatMap((r) =>
    r.rule.kind === 'base-image'
      ? (r.rule.allowed as { image?: string }[]).flatMap((b) => (b.image !== undefined ? [b.image] : []))
      : [],
  );
  return [...new Set(refs)];
}

async function resolveBaseImages(
  refs: readonly string[],
  opts: ResolveOptions,
  policyDir: string | undefined,
): Promise<Record<string, string[]>> {
  const out: Record<string, string[]> = {};
  for (const ref of refs) {
    const img = await openImage(resolveRefAgainst(ref, policyDir), opts);
    try {
      out[ref] = img.config.rootfs.diff_ids;
    } finally {
      await img.close();
    }
  }
  return out;
}

/** Reads what the rules need from the open image: config facts always; secrets and base images on demand. */
export async function gatherImageFacts(
  img: Image,
  rules: readonly LoadedRule[],
  opts: GatherOptions,
): Promise<ImageFacts> {
  const needs = needsOf(rules);
  const secrets = needs.has('secrets')
    ? await scanImageSecrets(img, {
        limits: opts.resolve.limits,
        ...(opts.resolve.signal && { signal: opts.resolve.signal }),
        ...(opts.onLayerBytes && { onLayerBytes: (_l, n) => opts.onLayerBytes?.(n) }),
      })
    : [];
  return {
    ...imageInput(img),
    secrets: secrets.map((s) => ({
      ruleId: s.ruleId,
      path: s.path,
      layerIndex: s.layerIndex,
      ...(s.line !== undefined && { line: s.line }),
      redacted: s.redacted,
    })),
    baseImages: needs.has('baseImages')
      ? await resolveBaseImages(baseImageRefs(rules), opts.resolve, opts.policyDir)
      : {},
  };
}

/** Facts from an SBOM alone (`corral scan sbom:FILE`): no config, so no user, created date or secrets. */
export function sbomFacts(sbom: Sbom): ImageFacts {
  const repository = refRepository(sbom.image.ref);
  return {
    image: {
      ref: sbom.image.ref,
      ...(repository !== undefined && { repository }),
      ...(sbom.image.digest !== undefined && { digest: sbom.image.digest }),
      repoTags: sbom.image.repoTags,
      labels: sbom.image.labels ?? {},
      user: '',
      layers: sbom.image.layers.map((l) => ({
        index: l.index,
        digest: l.digest,
        diffId: l.diffId,
        ...(l.createdBy !== undefined && { createdBy: l.createdBy }),
      })),
    },
    config: {},
    secrets: [],
    baseImages: {},
  };
}

type TrustFacts = Pick<PolicyInput, 'signatures' | 'provenance' | 'trustFailures'>;

/** Verifies signatures and attestations with the keys the trust rules list (registry images only). */
export async function gatherTrust(
  ref: string,
  rules: readonly LoadedRule[],
  registry: ResolveOptions['registry'],
): Promise<TrustFacts> {
  const keys = new Map<string, string>();
  for (const r of rules) {
    if (r.rule.kind !== 'trust') continue;
    const st = r.state as TrustState;
    for (const k of [...st.signatureKeys, ...st.provenanceKeys]) keys.set(k.fingerprint, k.pem);
  }
  if (!ref.startsWith('registry:') && !/^[a-z0-9.-]+(:\d+)?\//i.test(ref))
    return {
      signatures: [],
      provenance: [],
      trustFailures: [`signatures and attestations are read from a registry; ${ref} is not a registry image`],
    };
  const evidence = await checkTrust(ref, { publicKeys: [...keys.values()], ...(registry && { registry }) });
  const provenance: InputProvenance[] = evidence.attestations
    .filter((a) => isProvenanceType(a.predicateType))
    .map((a) => ({
      keyFingerprint: a.keyFingerprint,
      predicateType: a.predicateType,
      ...provenanceFacts(a.statement),
      statement: a.statement,
    }));
  return { signatures: evidence.signatures, provenance, trustFailures: evidence.failures };
}

/** Puts the gathered parts together into the input document. */
export function assembleInput(
  facts: ImageFacts,
  env: string,
  parts: { sbom?: Sbom; scan?: ScanResult; trust?: TrustFacts },
): PolicyInput {
  const sbom = parts.scan?.sbom ?? parts.sbom;
  return {
    ...facts,
    packages: sbom === undefined ? [] : packagesInput(sbom),
    findings: parts.scan === undefined ? [] : findingsInput(parts.scan.findings),
    signatures: parts.trust?.signatures ?? [],
    provenance: parts.trust?.provenance ?? [],
    trustFailures: parts.trust?.trustFailures ?? [],
    env,
  };
}

export type { RuleNeed };
