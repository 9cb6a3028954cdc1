/**
 * Parses the main section of a JAR manifest (`META-INF/MANIFEST.MF`).
 *
 * ref. JAR File Specification, "JAR Manifest" (https://docs.oracle.com/en/java/javase/17/docs/specs/jar/jar.html#jar-manifest):
 * `name: value` headers, lines end in CRLF, LF or CR, a line starting with a single space continues the
 * previous one (lines are wrapped at 72 bytes), and a blank line ends the main section (per-entry
 * sections follow; they are not read). Header names are case-insensitive.
 */

/** Main-section attributes, keys lowercased (`implementation-version`). */
export type Manifest = ReadonlyMap<string, string>;

/**
 * @example
 * parseManifest('Manifest-Version: 1.0\r\nImplementation-Title: commons-\r\n lang3\r\n\r\nName: x/\r\n').get('implementation-title')
 * // 'commons-lang3'
 */
export function parseManifest(text: string): Manifest {
  const out = new Map<string, string>();
  let last: string | undefined;
  for (const line of text.split(/\r\n|\r|\n/)) {
    if (line === '') {
      if (out.size > 0) break; // end of the main section
      continue; // leading blank lines: tolerated, as java.util.jar.Manifest does
    }
    if (line.startsWith(' ')) {
      if (last !== undefined) out.set(last, out.get(last)! + line.slice(1));
      continue;
    }
    const colon = line.indexOf(':');
    if (colon <= 0) {
      last = undefined; // not a header: ignore it and anything continuing it
      continue;
    }
    last = line.slice(0, colon).trim().toLowerCase();
    out.set(last, line.slice(colon + 1).trim());
  }
  return out;
}
