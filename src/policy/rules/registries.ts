/**
 * `registries`: the image must come from an allowed registry/repository. `allowed` are picomatch globs
 * over `host/path` repository names without tag or digest (`ghcr.io/acme/**`, `docker.io/library/*`).
 * The names tried are the image's registry repository and the repositories of its tags; an image with
 * no repository name at all (an OCI layout without tags) fails.
 */
import picomatch from 'picomatch';
import { z } from 'zod';
import type { InputImage } from '../model.js';
import { defineRule } from '../rule-kind.js';

const params = z.object({
  kind: z.literal('registries'),
  allowed: z.array(z.string().min(1)).min(1),
});

/** `ghcr.io/acme/app:1.2@sha256:…` → `ghcr.io/acme/app` (a `:` after the last `/` starts the tag). */
export function repositoryOf(name: string): string {
  const noDigest = name.split('@')[0] ?? name;
  const slash = noDigest.lastIndexOf('/');
  const colon = noDigest.lastIndexOf(':');
  return colon > slash ? noDigest.slice(0, colon) : noDigest;
}

export function imageRepositories(image: InputImage): string[] {
  const names = [image.repository, ...image.repoTags.map(repositoryOf)].filter(
    (n): n is string => n !== undefined && n !== '',
  );
  return [...new Set(names)];
}

export const registriesRule = defineRule({
  kind: 'registries',
  summary: 'allowed registries and repositories (globs)',
  params,
  needs: () => [],
  evaluate(rule, input) {
    const names = imageRepositories(input.image);
    if (names.length === 0)
      return {
        pass: false,
        message: `${input.image.ref} has no registry repository name to check against the allowed list`,
        evidence: [],
      };
    const isAllowed = picomatch(rule.allowed, { dot: true });
    const allowed = names.filter((n) => isAllowed(n));
    return allowed.length > 0
      ? { pass: true, message: `${allowed[0] ?? ''} is an allowed repository`, evidence: allowed }
      : {
          pass: false,
          message: `${names.join(', ')} is not in the allowed registries (${rule.allowed.join(', ')})`,
          evidence: names,
        };
  },
});
