/**
 * `user`: the image must not run as root. The config `User` is `name`, `uid`, `name:group` or
 * `uid:gid`; empty means root, as does `root` or uid `0`. `allowed` (optional) further limits the user
 * part to a list of names/uids.
 */
import { z } from 'zod';
import { defineRule } from '../rule-kind.js';

const params = z.object({
  kind: z.literal('user'),
  allowed: z.array(z.string().min(1)).min(1).optional(),
});

export function isRootUser(user: string): boolean {
  const name = (user.trim().split(':')[0] ?? '').trim();
  return name === '' || name === 'root' || /^0+$/.test(name);
}

export const userRule = defineRule({
  kind: 'user',
  summary: 'the image must not run as root',
  params,
  needs: () => [],
  evaluate(rule, input) {
    const user = input.image.user;
    const evidence = [{ user }];
    if (isRootUser(user))
      return {
        pass: false,
        message:
          user.trim() === '' ? 'no USER is set, so the image runs as root' : `runs as root (USER ${user})`,
        evidence,
      };
    const name = user.trim().split(':')[0] ?? '';
    if (rule.allowed !== undefined && !rule.allowed.includes(name))
      return { pass: false, message: `USER ${user} is not one of ${rule.allowed.join(', ')}`, evidence };
    return { pass: true, message: `runs as ${user}`, evidence };
  },
});
