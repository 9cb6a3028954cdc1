/**
 * CEL (https://github.com/google/cel-spec) over the policy input document, with @marcbachmann/cel-js.
 * Every top-level field of {@link PolicyInput} is a declared `dyn` variable; any other identifier is a
 * compile error, so a typo in a variable name is caught when the policy is validated.
 */
import { Environment } from '@marcbachmann/cel-js';
import type { PolicyInput, RuleNeed } from './model.js';

/** The variables a CEL expression can use; keep in step with PolicyInput and README "Input document". */
export const CEL_VARIABLES = [
  'image',
  'config',
  'packages',
  'findings',
  'signatures',
  'provenance',
  'secrets',
  'trustFailures',
  'baseImages',
  'env',
] as const satisfies readonly (keyof PolicyInput)[];

/** Parse-time limits so that a hostile policy cannot make the parser explode. */
const LIMITS = {
  maxAstNodes: 10_000,
  maxDepth: 100,
  maxListElements: 1000,
  maxMapEntries: 1000,
  maxCallArguments: 32,
};

function createCelEnvironment(): Environment {
  const env = new Environment({
    unlistedVariablesAreDyn: false,
    homogeneousAggregateLiterals: false,
    limits: LIMITS,
  });
  for (const name of CEL_VARIABLES) env.registerVariable(name, 'dyn');
  return env;
}

const ENVIRONMENT = createCelEnvironment();

export type CelProgram = (input: PolicyInput) => Promise<unknown>;

export interface CelError {
  error: string;
  /** 1-based line of the error inside the expression, when cel-js says. */
  line?: number;
}

/** The first line of a cel-js error and the expression line its source excerpt (`>    2 | …`) points at. */
function celError(err: unknown): CelError {
  const msg = err instanceof Error ? err.message : String(err);
  const line = /^>\s+(\d+) \|/m.exec(msg)?.[1];
  return { error: msg.split('\n')[0] ?? msg, ...(line !== undefined && { line: Number(line) }) };
}

/** Compiles and type-checks an expression; returns the program or the compile error. */
export function compileCel(expression: string): { program: CelProgram } | CelError {
  let parsed: ReturnType<Environment['parse']>;
  try {
    parsed = ENVIRONMENT.parse(expression);
  } catch (err) {
    return celError(err);
  }
  const checked = ENVIRONMENT.check(expression);
  if (!checked.valid) return celError(checked.error);
  if (checked.type !== 'bool' && checked.type !== 'dyn')
    return { error: `the expression must return a bool, not ${String(checked.type)}` };
  return {
    program: async (input) => (await parsed(input)) as unknown,
  };
}

const NEED_OF: Partial<Record<(typeof CEL_VARIABLES)[number], RuleNeed>> = {
  packages: 'packages',
  findings: 'findings',
  secrets: 'secrets',
  signatures: 'trust',
  provenance: 'trust',
  trustFailures: 'trust',
};

/** What an expression needs gathered: the input fields it names (a conservative, lexical check). */
export function celNeeds(expression: string): RuleNeed[] {
  const words = new Set(expression.match(/[A-Za-z_][A-Za-z0-9_]*/g) ?? []);
  return [...new Set(CEL_VARIABLES.flatMap((v) => (words.has(v) && NEED_OF[v] ? [NEED_OF[v]] : [])))];
}
