/**
 * Runs a policy over an image for `corral policy check` and `corral scan --policy`: loads the policy,
 * takes the image facts while the image is open, then completes the input document from the scan
 * (packages, findings) and, when a rule asks, from the registry (signatures, attestations), and
 * evaluates. The logic lives in src/policy; this only wires it to the command flags.
 */
import type { Image, ResolveOptions } from '../image/types.js';
import type { ScanResult } from '../match/model.js';
import { evaluatePolicy } from '../policy/evaluate.js';
import {
  assembleInput,
  gatherImageFacts,
  gatherTrust,
  sbomFacts,
  type ImageFacts,
} from '../policy/gather.js';
import { environmentRules, loadPolicy, needsOf, type LoadedPolicy, type LoadedRule } from '../policy/load.js';
import type { PolicyResult, RuleNeed } from '../policy/model.js';
import type { Sbom } from '../sbom/model.js';
import { AppError } from '../errors.js';
import { resolveOptionsFromFlags, type ImageFlags } from './image-options.js';

export interface PolicyGate {
  readonly policy: LoadedPolicy;
  readonly env: string;
  readonly needs: ReadonlySet<RuleNeed>;
  /** Reads what the rules need from the open image (config, secrets, base images). */
  onImage(img: Image, resolved: ResolveOptions, onLayerBytes?: (n: number) => void): Promise<void>;
  /** Completes the input document from the catalogue/scan and evaluates it. */
  evaluate(parts: { sbom?: Sbom; scan?: ScanResult }): Promise<PolicyResult>;
}

export async function createPolicyGate(
  file: string,
  env: string | undefined,
  flags: ImageFlags,
): Promise<PolicyGate> {
  if (env === undefined)
    throw new AppError('CLI_USAGE', '--policy needs --env ENV (the policy environment to apply)', {
      hint: 'e.g. --env prod',
    });
  const policy = await loadPolicy(file);
  const rules: LoadedRule[] = environmentRules(policy, env);
  const needs = needsOf(rules);
  let facts: ImageFacts | undefined;
  return {
    policy,
    env,
    needs,
    async onImage(img, resolved, onLayerBytes) {
      facts = await gatherImageFacts(img, rules, {
        resolve: resolved,
        policyDir: policy.dir,
        ...(onLayerBytes && { onLayerBytes }),
      });
    },
    async evaluate(parts) {
      const sbom = parts.scan?.sbom ?? parts.sbom;
      const imageFacts = facts ?? (sbom !== undefined ? sbomFacts(sbom) : undefined);
      if (imageFacts === undefined)
        throw new AppError('INTERNAL', 'policy evaluated before the image was read');
      const trust = needs.has('trust')
        ? await gatherTrust(imageFacts.image.ref, rules, resolveOptionsFromFlags(flags).registry)
        : undefined;
      const input = assembleInput(imageFacts, env, { ...parts, ...(trust && { trust }) });
      return evaluatePolicy(policy, env, input);
    },
  };
}
