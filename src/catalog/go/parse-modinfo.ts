/**
 * Parses the module info text of a Go binary (`runtime/debug.BuildInfo.String()` format):
 *
 *     path\texample.com/app/cmd/app
 *     mod\texample.com/app\t(devel)\t
 *     dep\tgolang.org/x/text\tv0.14.0\th1:ScX5w1eTa3QqT8oi6+ziP7dTV1S2+ALU0bX+0i/XQ=
 *     dep\texample.com/lib\tv1.0.0
 *     =>\t../lib\t\t
 *     build\t-compiler=gc
 *     build\tCGO_ENABLED=0
 *     build\t"quoted key"="quoted\tvalue"
 *
 * ref. Go `src/runtime/debug/mod.go` (`ParseBuildInfo`, `BuildInfo.String`). Go's parser stops at the
 * first bad line; this one is lenient: it keeps every line it understands and reports the others.
 */

export interface GoModule {
  path: string;
  version: string;
  /** `h1:` go.sum hash, when the module came from a module cache. */
  sum?: string;
  /** The module actually compiled, from a `=>` line (a local directory has no version). */
  replace?: GoModule;
}

export interface ModInfo {
  /** The main package's import path (`path` line). */
  path?: string;
  main?: GoModule;
  deps: GoModule[];
  settings: Array<{ key: string; value: string }>;
}

export interface ModInfoIssue {
  line: number;
  message: string;
}

function moduleLine(cols: string[]): GoModule | string {
  if (cols.length !== 2 && cols.length !== 3) return `expected 2 or 3 columns, got ${cols.length}`;
  const [path, version, sum] = cols as [string, string, string?];
  if (path === '') return 'module line has an empty path';
  return { path, version, ...(sum && { sum }) };
}

/** Go's `strconv.Unquote` for the two forms `BuildInfo.String()` writes (backquoted and Go-escaped). */
export function unquoteGo(text: string): string | undefined {
  if (text.length >= 2 && text.startsWith('`') && text.endsWith('`')) return text.slice(1, -1);
  if (text.length < 2 || !text.startsWith('"') || !text.endsWith('"')) return undefined;
  // Go escapes JSON lacks: \a \v \xNN \UNNNNNNNN (and octal \NNN).
  const json = text.replace(/\\(a|v|x[0-9a-fA-F]{2}|U[0-9a-fA-F]{8}|[0-7]{3}|.)/g, (all, esc: string) => {
    if (esc === 'a') return '\\u0007';
    if (esc === 'v') return '\\u000b';
    if (esc.startsWith('x')) return `\\u00${esc.slice(1)}`;
    if (esc.startsWith('U'))
      return JSON.stringify(String.fromCodePoint(parseInt(esc.slice(1), 16))).slice(1, -1);
    if (/^[0-7]{3}$/.test(esc)) return `\\u${parseInt(esc, 8).toString(16).padStart(4, '0')}`;
    return all;
  });
  try {
    return JSON.parse(json) as string;
  } catch {
    // JSON.parse's SyntaxError: not a valid Go string literal; the caller reports the line.
    return undefined;
  }
}

/** The key's raw text and the rest of the line after its `=`. */
function splitSetting(kv: string): { key: string; raw: string } | string {
  if (kv.startsWith('"') || kv.startsWith('`')) {
    const m = kv.startsWith('`') ? /^`[^`]*`/.exec(kv) : /^"(?:[^"\\]|\\.)*"/.exec(kv);
    const key = m ? unquoteGo(m[0]) : undefined;
    if (!m || key === undefined) return 'invalid quoted key in build line';
    if (kv[m[0].length] !== '=') return "build line missing '=' after quoted key";
    return { key, raw: kv.slice(m[0].length + 1) };
  }
  const eq = kv.indexOf('=');
  if (eq <= 0) return eq === 0 ? 'build line with missing key' : "build line missing '='";
  return { key: kv.slice(0, eq), raw: kv.slice(eq + 1) };
}

function buildSetting(kv: string): { key: string; value: string } | string {
  const split = splitSetting(kv);
  if (typeof split === 'string') return split;
  if (!split.raw.startsWith('"') && !split.raw.startsWith('`')) return { key: split.key, value: split.raw };
  const value = unquoteGo(split.raw);
  return value === undefined ? 'invalid quoted value in build line' : { key: split.key, value };
}

interface State {
  info: ModInfo;
  /** The module a following `=>` line replaces (Go resets it after one replacement). */
  last: GoModule | undefined;
}

function applyLine(state: State, line: string): string | undefined {
  const tab = line.indexOf('\t');
  const word = tab < 0 ? line : line.slice(0, tab);
  const rest = tab < 0 ? '' : line.slice(tab + 1);
  switch (word) {
    case 'path':
      state.info.path = rest;
      return undefined;
    case 'mod':
    case 'dep': {
      const m = moduleLine(rest.split('\t'));
      if (typeof m === 'string') return m;
      if (word === 'mod') state.info.main = m;
      else state.info.deps.push(m);
      state.last = m;
      return undefined;
    }
    case '=>': {
      const cols = rest.split('\t');
      if (cols.length !== 3) return `expected 3 columns for replacement, got ${cols.length}`;
      if (!state.last) return 'replacement with no module on the previous line';
      state.last.replace = { path: cols[0]!, version: cols[1]!, ...(cols[2] && { sum: cols[2] }) };
      state.last = undefined;
      return undefined;
    }
    case 'build': {
      const s = buildSetting(rest);
      if (typeof s === 'string') return s;
      state.info.settings.push(s);
      return undefined;
    }
    default:
      // Go ignores unknown lines too (forward compatibility with newer toolchains).
      return undefined;
  }
}

/**
 * Parses module info text; never throws.
 * @example
 * parseModInfo('path\tex.com/a\nmod\tex.com/a\t(devel)\t\n').info.main // { path: 'ex.com/a', version: '(devel)' }
 */
export function parseModInfo(text: string): { info: ModInfo; issues: ModInfoIssue[] } {
  const state: State = { info: { deps: [], settings: [] }, last: undefined };
  const issues: ModInfoIssue[] = [];
  const lines = text.split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  lines.forEach((line, i) => {
    const problem = applyLine(state, line);
    if (problem) issues.push({ line: i + 1, message: problem });
  });
  return { info: state.info, issues };
}
