/**
 * License strings between the model and the SBOM formats. `Package.licenses` holds SPDX ids or
 * expressions when they parse, else the text as found (`GPLv3+`, `public domain`). CycloneDX wants
 * either a list of `{id}`/`{name}` licences or exactly one SPDX expression; SPDX wants one valid
 * expression per package (with `LicenseRef-` for free text).
 *
 * ref. https://spdx.github.io/spdx-spec/v2.3/SPDX-license-expressions/,
 * https://cyclonedx.org/docs/1.6/json/#components_items_licenses
 */
import parseSpdx from 'spdx-expression-parse';

type Node = parseSpdx.Info;

function isLeaf(n: Node): n is parseSpdx.LicenseInfo {
  return 'license' in n;
}

/** Canonical text of a parsed expression: upper-case operators, parentheses only where needed. */
function render(n: Node, parent?: 'and' | 'or'): string {
  if (isLeaf(n)) return `${n.license}${n.plus ? '+' : ''}${n.exception ? ` WITH ${n.exception}` : ''}`;
  const text = `${render(n.left, n.conjunction)} ${n.conjunction.toUpperCase()} ${render(n.right, n.conjunction)}`;
  return parent !== undefined && parent !== n.conjunction ? `(${text})` : text;
}

function parse(text: string): Node | undefined {
  try {
    return parseSpdx(text.trim());
  } catch {
    // not an SPDX expression (the error only names the offset): callers keep it as free text
    return undefined;
  }
}

export type LicenseKind =
  /** One license id from the SPDX list (no `+`, no exception, no `LicenseRef-`). */
  | { kind: 'id'; id: string }
  /** A valid SPDX expression that is not a single listed id (`MIT OR Apache-2.0`, `LicenseRef-x`, `GPL-2.0+`). */
  | { kind: 'expression'; expression: string }
  /** Free text. */
  | { kind: 'text'; text: string };

/**
 * Sorts one license string into an SPDX id, an expression (canonicalised) or free text.
 *
 * @example
 * classifyLicense('MIT')               // { kind: 'id', id: 'MIT' }
 * classifyLicense('mit or Apache-2.0') // free text: the SPDX list is case-sensitive for ids
 * classifyLicense('GPLv3+')            // { kind: 'text', text: 'GPLv3+' }
 */
export function classifyLicense(text: string): LicenseKind {
  const n = parse(text);
  if (!n) return { kind: 'text', text };
  if (isLeaf(n) && !n.plus && !n.exception && !/(^|:)LicenseRef-/.test(n.license)) {
    return { kind: 'id', id: n.license };
  }
  return { kind: 'expression', expression: render(n) };
}

/** One expression for several licences (all must hold): `A AND (B OR C)`; undefined if any is free text. */
export function conjunction(licenses: readonly string[]): string | undefined {
  const parts: string[] = [];
  for (const l of licenses) {
    const n = parse(l);
    if (!n) return undefined;
    parts.push(render(n, licenses.length > 1 ? 'and' : undefined));
  }
  return parts.length > 0 ? parts.join(' AND ') : undefined;
}

/**
 * Splits an expression at its top-level ANDs: the inverse of {@link conjunction}, so that a package's
 * license list survives an encode/decode round trip. Text that does not parse comes back whole.
 */
export function splitConjunction(expression: string): string[] {
  const n = parse(expression);
  if (!n) return [expression];
  const out: string[] = [];
  const walk = (x: Node): void => {
    if (!isLeaf(x) && x.conjunction === 'and') {
      walk(x.left);
      walk(x.right);
    } else out.push(render(x));
  };
  walk(n);
  return out;
}
