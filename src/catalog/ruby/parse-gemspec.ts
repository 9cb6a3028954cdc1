/**
 * Installed gem specifications (`…/specifications/<name>-<version>.gemspec`), the Ruby files RubyGems
 * writes with `Gem::Specification#to_ruby` on install. They are read with regular expressions, never
 * evaluated: only literal assignments count (`s.name = "rack".freeze`, `s.version = "2.2.22"`,
 * `s.licenses = ["MIT".freeze]`), in the quoting styles RubyGems has used (`"…"`, `'…'`, `%q{…}`, `%q<…>`).
 * ref. https://github.com/rubygems/rubygems/blob/master/lib/rubygems/specification.rb (to_ruby)
 */
import { createLanguagePackage, ResultBuilder } from '../internal/language-package.js';
import { normaliseLicenses } from '../internal/spdx-license.js';
import type { CatalogResult } from '../model.js';

export const GEMSPEC_CATALOGER_ID = 'ruby-gemspec';
export const GEMSPEC_INVALID = 'CATALOG_RUBY_GEMSPEC_INVALID';
/** The platform of pure-Ruby gems: no purl qualifier. */
const RUBY_PLATFORM = 'ruby';

/** One Ruby string literal, optionally `.freeze`d; each quoting style has its own capture group. */
const STRING = String.raw`(?:"((?:[^"\\]|\\.)*)"|'((?:[^'\\]|\\.)*)'|%[qQ]\{([^}]*)\}|%[qQ]<([^>]*)>|%[qQ]\(([^)]*)\))(?:\.freeze)?`;
const STRING_RE = new RegExp(STRING, 'g');

/** `<receiver>.<attr> = <string>` at the start of a line. */
function assignment(attr: string, value: string): RegExp {
  return new RegExp(String.raw`^[ \t]*\w+\.${attr}[ \t]*=[ \t]*${value}`, 'm');
}
const NAME_RE = assignment('name', STRING);
const VERSION_RE = assignment('version', String.raw`(?:Gem::Version\.new\(\s*${STRING}\s*\)|${STRING})`);
const PLATFORM_RE = assignment('platform', STRING);
const LICENSE_RE = assignment('license', STRING);
const LICENSES_RE = assignment('licenses', String.raw`\[([^\]]*)\]`);

/** Decodes the escapes RubyGems writes in double-quoted strings (`\"`, `\\`, `\u00E9`, `\n`). */
function unescapeRuby(s: string): string {
  return s.replace(/\\(u\{?([0-9a-fA-F]{4,6})\}?|.)/g, (_m, esc: string, hex: string | undefined) => {
    if (hex !== undefined) return String.fromCodePoint(Number.parseInt(hex, 16));
    return esc === 'n' ? '\n' : esc === 't' ? '\t' : esc;
  });
}

/** The text of the first string literal among the match's capture groups from `from` on. */
function literal(m: RegExpExecArray | null, from = 1): string | undefined {
  if (!m) return undefined;
  for (let i = from; i < m.length; i++) {
    const v = m[i];
    if (v !== undefined) return unescapeRuby(v).trim();
  }
  return undefined;
}

/** Every string literal inside `s.licenses = [ … ]`, or the single `s.license = "…"`. */
function gemLicenses(text: string): string[] {
  const list = LICENSES_RE.exec(text)?.[1];
  if (list !== undefined) {
    return normaliseLicenses([...list.matchAll(STRING_RE)].map((m) => literal(m) ?? ''));
  }
  const one = literal(LICENSE_RE.exec(text));
  return one === undefined ? [] : normaliseLicenses([one]);
}

/** @example parseGemspec(text, '/usr/lib/ruby/gems/3.1.0/specifications/rake-13.0.6.gemspec') */
export function parseGemspec(text: string, path: string): CatalogResult {
  const out = new ResultBuilder();
  const name = literal(NAME_RE.exec(text));
  const version = literal(VERSION_RE.exec(text));
  if (!name || !version) {
    const missing = [!name && 'name', !version && 'version'].filter(Boolean).join(' and ');
    out.unknown(
      path,
      GEMSPEC_INVALID,
      `${path} has no literal ${missing} assignment: not an installed gem specification`,
    );
    return out.result();
  }
  const platform = literal(PLATFORM_RE.exec(text));
  out.add(
    createLanguagePackage(
      {
        name,
        version,
        type: 'gem',
        purl: {
          name,
          ...(platform !== undefined && platform !== RUBY_PLATFORM && { qualifiers: { platform } }),
        },
        licenses: gemLicenses(text),
        path,
        foundBy: GEMSPEC_CATALOGER_ID,
      },
      GEMSPEC_INVALID,
    ),
  );
  return out.result();
}
