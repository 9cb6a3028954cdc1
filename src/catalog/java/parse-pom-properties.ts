/**
 * Parses `META-INF/maven/<groupId>/<artifactId>/pom.properties`, which Maven (maven-archiver) writes
 * into every jar it builds: `groupId`, `artifactId`, `version` (plus a comment with the build date).
 *
 * ref. java.util.Properties.load (https://docs.oracle.com/en/java/javase/17/docs/api/java.base/java/util/Properties.html#load(java.io.Reader)):
 * `#`/`!` comments, `=`, `:` or whitespace separators, backslash line continuations, `\uXXXX` and
 * `\t \n \r \f` escapes.
 */

const ESCAPES: Readonly<Record<string, string>> = { t: '\t', n: '\n', r: '\r', f: '\f' };

function unescape(text: string): string {
  return text.replace(/\\(u[0-9a-fA-F]{4}|.)/g, (_, esc: string) =>
    esc.length === 5 ? String.fromCharCode(parseInt(esc.slice(1), 16)) : (ESCAPES[esc] ?? esc),
  );
}

/** Logical lines: continuations joined, leading whitespace of continuation lines dropped. */
function logicalLines(text: string): string[] {
  const out: string[] = [];
  let pending = '';
  for (const raw of text.split(/\r\n|\r|\n/)) {
    const line = raw.trimStart();
    const trailing = /\\+$/.exec(line)?.[0].length ?? 0;
    if (trailing % 2 === 1) {
      pending += line.slice(0, -1);
      continue;
    }
    out.push(pending + line);
    pending = '';
  }
  if (pending !== '') out.push(pending);
  return out;
}

/**
 * @example
 * parsePomProperties('#Created by Maven\ngroupId=org.apache.commons\nartifactId=commons-lang3\nversion=3.12.0\n')
 * // { groupId: 'org.apache.commons', artifactId: 'commons-lang3', version: '3.12.0' }
 */
export function parsePomProperties(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const line of logicalLines(text)) {
    if (line === '' || line.startsWith('#') || line.startsWith('!')) continue;
    // The key ends at the first unescaped '=', ':' or whitespace.
    const m = /^((?:\\.|[^=:\s\\])+)\s*[=:]?\s*(.*)$/.exec(line);
    if (!m) continue;
    out[unescape(m[1]!)] = unescape(m[2]!).trim();
  }
  return out;
}
