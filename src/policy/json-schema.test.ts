/**
 * schemas/policy.schema.json is generated from the zod schema; this fails when it drifts.
 * Refresh with: UPDATE_GOLDEN=1 node --import tsx --test src/policy/json-schema.test.ts
 */
import assert from 'node:assert/strict';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { Ajv } from 'ajv';
import { format, resolveConfig } from 'prettier';
import { parse } from 'yaml';
import { policyJsonSchema } from './schema.js';

const ROOT = join(import.meta.dirname, '..', '..');
const FILE = join(ROOT, 'schemas', 'policy.schema.json');

test('schemas/policy.schema.json equals the schema generated from zod', async () => {
  // formatted as the repository's prettier config does, so `prettier --check` agrees with the file
  const generated = await format(JSON.stringify(policyJsonSchema()), {
    ...(await resolveConfig(FILE)),
    filepath: FILE,
  });
  if (process.env.UPDATE_GOLDEN === '1') await writeFile(FILE, generated);
  assert.equal(await readFile(FILE, 'utf8'), generated, 'run with UPDATE_GOLDEN=1 and review the diff');
});

test('the published schema accepts the example policy and rejects a wrong severity', async () => {
  const ajv = new Ajv({ strict: false, allErrors: true });
  const validate = ajv.compile(JSON.parse(await readFile(FILE, 'utf8')) as object);
  const example = parse(await readFile(join(ROOT, 'examples', 'policies', 'policy.yaml'), 'utf8')) as unknown;
  assert.equal(validate(example), true, JSON.stringify(validate.errors));
  const bad = structuredClone(example) as { environments: { prod: { rules: Record<string, unknown>[] } } };
  const rule = bad.environments.prod.rules.find((r) => r.maxSeverity !== undefined);
  assert.ok(rule);
  rule.maxSeverity = 'severe';
  assert.equal(validate(bad), false);
});
