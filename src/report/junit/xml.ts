/**
 * The little XML writing the JUnit report needs: escaping of text and attribute values, and removal of
 * characters XML 1.0 cannot carry at all (control characters, lone surrogates, U+FFFE/U+FFFF), which
 * advisory text occasionally contains.
 *
 * ref. https://www.w3.org/TR/xml/#charsets, https://www.w3.org/TR/xml/#AVNormalize
 */

/** Everything outside XML 1.0 `Char`. */
const NOT_XML_CHAR = /[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu;
const REPLACEMENT = '\uFFFD';

/** Character data: `&`, `<`, `>` escaped (`>` for `]]>`), invalid characters replaced by U+FFFD. */
export function xmlText(s: string): string {
  return s
    .replace(NOT_XML_CHAR, REPLACEMENT)
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;');
}

/**
 * An attribute value for double quotes: like {@link xmlText} plus `"`, and tab/CR/LF as character
 * references so attribute-value normalisation does not turn them into spaces.
 */
export function xmlAttr(s: string): string {
  return xmlText(s)
    .replace(/"/g, '&quot;')
    .replace(/\t/g, '&#9;')
    .replace(/\n/g, '&#10;')
    .replace(/\r/g, '&#13;');
}

/** `name="value"` pairs for the defined values, in the given order. */
export function attrs(pairs: ReadonlyArray<readonly [string, string | number | undefined]>): string {
  return pairs
    .filter((p): p is readonly [string, string | number] => p[1] !== undefined)
    .map(([k, v]) => ` ${k}="${xmlAttr(String(v))}"`)
    .join('');
}
