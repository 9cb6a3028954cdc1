/**
 * Escaping of untrusted text (advisory summaries, package names, notes) for GitHub/GitLab-flavoured
 * Markdown, used by the Markdown report and the SARIF rule help. Feed text must not be able to open
 * HTML tags, links, tables or code spans in a PR comment.
 *
 * ref. https://github.github.com/gfm/#backslash-escapes
 */

/**
 * Inline text (table cells, link labels): the punctuation that opens emphasis, code, links, tables or
 * strikethrough is backslash-escaped, `<`/`>`/`&` become entities, newlines become spaces.
 */
export function mdText(text: string): string {
  return text
    .replace(/\r?\n/g, ' ')
    .replace(/[\\`*_[\]|~]/g, (c) => `\\${c}`)
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;');
}

/** Text that starts a line of its own: {@link mdText}, plus an escaped heading, list or setext marker. */
export function mdParagraph(text: string): string {
  return mdText(text)
    .replace(/^(\s*)([#+=-])/, '$1\\$2')
    .replace(/^(\s*\d+)([.)])/, '$1\\$2');
}

/** A table cell: {@link mdText}, an em dash for empty cells. */
export function mdCell(text: string): string {
  const t = mdText(text.trim());
  return t === '' ? '—' : t;
}

/** A link when `url` is an http(s) URL, else the escaped label alone. */
export function mdLink(label: string, url: string | undefined): string {
  if (url === undefined || !/^https?:\/\/[^\s<>()]+$/.test(url)) return mdText(label);
  return `[${mdText(label)}](${url})`;
}

/** A Markdown table from a header and rows of already-escaped cells; `right` lists right-aligned columns. */
export function mdTable(
  header: readonly string[],
  rows: readonly (readonly string[])[],
  right: readonly number[] = [],
): string[] {
  const sep = header.map((_, i) => (right.includes(i) ? '---:' : '---'));
  return [header, sep, ...rows].map((r) => `| ${r.join(' | ')} |`);
}
