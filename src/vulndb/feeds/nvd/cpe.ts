/**
 * CPE 2.3 formatted strings (`cpe:2.3:a:apache:log4j:2.14.1:*:*:*:*:*:*:*`), as NVD writes them in
 * `configurations[].nodes[].cpeMatch[].criteria`.
 * ref. NISTIR 7695 (CPE Naming 2.3) §6.2: eleven attributes after `cpe:2.3:`, separated by unescaped
 * colons; `\` escapes any non-alphanumeric character; `*` is ANY and `-` is NA.
 */

export interface Cpe23 {
  /** `a` application, `o` operating system, `h` hardware. */
  part: 'a' | 'o' | 'h';
  vendor: string;
  product: string;
  version: string;
  update: string;
  edition: string;
  language: string;
  swEdition: string;
  targetSw: string;
  targetHw: string;
  other: string;
}

const ATTRIBUTES = 11;
const PARTS = new Set(['a', 'o', 'h']);

/** Splits on colons that are not escaped with a backslash; escapes are kept. */
function splitUnescaped(text: string): string[] {
  const out: string[] = [];
  let current = '';
  for (let i = 0; i < text.length; i++) {
    const c = text[i] as string;
    if (c === '\\' && i + 1 < text.length) {
      current += c + (text[i + 1] as string);
      i++;
    } else if (c === ':') {
      out.push(current);
      current = '';
    } else current += c;
  }
  out.push(current);
  return out;
}

/**
 * Parses a CPE 2.3 formatted string; attribute values keep their escapes (see {@link unescapeCpe}).
 * Undefined for anything else (CPE 2.2 URIs `cpe:/a:…`, wrong attribute count, empty vendor/product).
 *
 * @example
 * parseCpe23('cpe:2.3:a:apache:log4j:2.0:beta9:*:*:*:*:*:*')?.update // 'beta9'
 */
export function parseCpe23(text: string): Cpe23 | undefined {
  if (!text.startsWith('cpe:2.3:')) return undefined;
  const values = splitUnescaped(text.slice('cpe:2.3:'.length));
  if (values.length !== ATTRIBUTES || values.some((v) => v === '')) return undefined;
  const [part, vendor, product, version, update, edition, language, swEdition, targetSw, targetHw, other] =
    values as [string, string, string, string, string, string, string, string, string, string, string];
  if (!PARTS.has(part) || vendor === '*' || product === '*') return undefined;
  return {
    part: part as Cpe23['part'],
    vendor,
    product,
    version,
    update,
    edition,
    language,
    swEdition,
    targetSw,
    targetHw,
    other,
  };
}

/** Removes CPE escapes: `15.2\(4\)m` → `15.2(4)m`, `pipeline\:_groovy` → `pipeline:_groovy`. */
export function unescapeCpe(value: string): string {
  return value.replace(/\\(.)/g, '$1');
}

/** True for the logical values ANY (`*`) and NA (`-`), which name no specific version. */
export function isAnyCpeValue(value: string): boolean {
  return value === '*' || value === '-';
}
