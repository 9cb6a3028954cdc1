/** `image-age`: the image config's `created` must be at most `maxDays` old; an image without it fails. */
import { z } from 'zod';
import { daysBetween, defineRule } from '../rule-kind.js';

const params = z.object({
  kind: z.literal('image-age'),
  maxDays: z.number().int().positive(),
});

export const imageAgeRule = defineRule({
  kind: 'image-age',
  summary: 'maximum days since the image was created',
  params,
  needs: () => [],
  evaluate(rule, input, ctx) {
    const created = input.image.created;
    const when = created === undefined ? NaN : new Date(created).getTime();
    if (Number.isNaN(when))
      return {
        pass: false,
        message: 'the image config has no valid "created" date',
        evidence: [created ?? null],
      };
    const age = Math.floor(daysBetween(new Date(when), ctx.now));
    const evidence = [{ created, ageDays: age, maxDays: rule.maxDays }];
    return age <= rule.maxDays
      ? { pass: true, message: `created ${age} day(s) ago (at most ${rule.maxDays})`, evidence }
      : { pass: false, message: `created ${age} day(s) ago, more than ${rule.maxDays}`, evidence };
  },
});
