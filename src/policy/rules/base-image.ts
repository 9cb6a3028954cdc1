/**
 * `base-image`: the image must be built on an approved base image, recognised by LAYER DIGESTS, not by
 * name: the image's `rootfs.diff_ids` must start with all of an approved base's diff_ids. An approved
 * base is given either as `diffIds` (copied from `corral image inspect` of the base) or as an `image`
 * reference (any reference `corral scan` reads), whose config is read when the policy is checked and
 * whose diff_ids land in the input document under `baseImages[<reference>]`.
 */
import { z } from 'zod';
import { defineRule } from '../rule-kind.js';

const DIFF_ID = /^sha256:[0-9a-f]{64}$/;

const approvedBase = z
  .object({
    name: z.string().min(1),
    diffIds: z.array(z.string().regex(DIFF_ID, 'expected sha256:<64 hex digits>')).min(1).optional(),
    image: z.string().min(1).optional(),
  })
  .strict();

const params = z.object({
  kind: z.literal('base-image'),
  allowed: z.array(approvedBase).min(1),
});

export const baseImageRule = defineRule({
  kind: 'base-image',
  summary: 'approved base images, matched by layer diff_ids',
  params,
  needs: (rule) => (rule.allowed.some((b) => b.image !== undefined) ? ['baseImages'] : []),
  prepare(rule) {
    const issues = rule.allowed.flatMap((b, i) =>
      (b.diffIds === undefined) === (b.image === undefined)
        ? [{ path: ['allowed', i], message: 'give exactly one of diffIds or image' }]
        : [],
    );
    return Promise.resolve({ issues });
  },
  evaluate(rule, input) {
    const have = input.image.layers.map((l) => l.diffId);
    const tried: unknown[] = [];
    for (const base of rule.allowed) {
      const want = base.diffIds ?? (base.image !== undefined ? input.baseImages[base.image] : undefined);
      if (want === undefined) {
        tried.push({ base: base.name, error: `base image ${base.image ?? ''} was not resolved` });
        continue;
      }
      const common = want.findIndex((d, i) => have[i] !== d);
      const matched = common === -1 ? want.length : common;
      if (matched === want.length && want.length > 0 && have.length >= want.length)
        return {
          pass: true,
          message: `built on approved base ${base.name} (its ${want.length} layer(s) are the image's first)`,
          evidence: [{ base: base.name, baseLayers: want.length, imageLayers: have.length }],
        };
      tried.push({
        base: base.name,
        baseLayers: want.length,
        matchingLayers: matched,
        ...(matched < want.length && {
          firstDifferentLayer: matched,
          expected: want[matched],
          found: have[matched] ?? null,
        }),
      });
    }
    return {
      pass: false,
      message: `not built on an approved base image (${rule.allowed.map((b) => b.name).join(', ')})`,
      evidence: tried,
    };
  },
});
