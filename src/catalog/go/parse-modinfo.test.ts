import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseModInfo, unquoteGo } from './parse-modinfo.js';

// Lines as Go's runtime/debug.BuildInfo.String() writes them (src/runtime/debug/mod.go, Go 1.19–1.22),
// including the empty line Go 1.19 leaves after a `=>` replacement.
const GO_119_APP = [
  'path\texample.com/corral/app',
  'mod\texample.com/corral/app\t(devel)\t',
  'dep\texample.com/corral/greet\tv1.2.3',
  '=>\t../greet\t(devel)\t',
  '',
  'dep\tgolang.org/x/text\tv0.14.0\th1:ScX5w1eTa3QqT8oi6+ziP7dTV1S2+ALU0bX+0i/XQ=',
  'build\t-compiler=gc',
  'build\t-ldflags="-s -w -X main.version=1.0"',
  'build\tCGO_ENABLED=0',
  'build\t"weird key"=`raw\\value`',
  '',
].join('\n');

describe('parseModInfo', () => {
  it('reads path, main module, deps with sums and replacements, and build settings', () => {
    const { info, issues } = parseModInfo(GO_119_APP);
    assert.deepEqual(issues, []);
    assert.equal(info.path, 'example.com/corral/app');
    assert.deepEqual(info.main, { path: 'example.com/corral/app', version: '(devel)' });
    assert.deepEqual(info.deps, [
      {
        path: 'example.com/corral/greet',
        version: 'v1.2.3',
        replace: { path: '../greet', version: '(devel)' },
      },
      {
        path: 'golang.org/x/text',
        version: 'v0.14.0',
        sum: 'h1:ScX5w1eTa3QqT8oi6+ziP7dTV1S2+ALU0bX+0i/XQ=',
      },
    ]);
    assert.deepEqual(info.settings, [
      { key: '-compiler', value: 'gc' },
      { key: '-ldflags', value: '-s -w -X main.version=1.0' },
      { key: 'CGO_ENABLED', value: '0' },
      { key: 'weird key', value: 'raw\\value' },
    ]);
  });

  it('is empty for binaries built outside module mode', () => {
    assert.deepEqual(parseModInfo(''), { info: { deps: [], settings: [] }, issues: [] });
  });

  // Each row: a bad line and the line number reported; the good lines around it are kept.
  const bad: Array<[string, string]> = [
    ['dep\tonly-path', 'expected 2 or 3 columns'],
    ['dep\ta\tb\tc\td', 'expected 2 or 3 columns'],
    ['=>\t../x\t', 'expected 3 columns for replacement'],
    ['build\t=value', 'missing key'],
    ['build\tnoequals', "missing '='"],
    ['build\t"unterminated=1', 'invalid quoted key'],
    ['build\tk="bad \\q escape"', 'invalid quoted value'],
  ];
  for (const [line, message] of bad) {
    it(`reports ${JSON.stringify(line)} and keeps the rest`, () => {
      const { info, issues } = parseModInfo(`mod\tm\tv1.0.0\t\n${line}\ndep\td\tv2.0.0\t\n`);
      assert.equal(issues.length, 1);
      assert.equal(issues[0]!.line, 2);
      assert.match(issues[0]!.message, new RegExp(message.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')));
      assert.equal(info.main?.path, 'm');
      assert.deepEqual(
        info.deps.map((d) => d.path),
        ['d'],
      );
    });
  }

  it('reports a replacement with nothing to replace', () => {
    const { issues } = parseModInfo('=>\t../x\t(devel)\t\n');
    assert.deepEqual(issues, [{ line: 1, message: 'replacement with no module on the previous line' }]);
  });
});

describe('unquoteGo', () => {
  // Escapes strconv.Quote produces (Go src/strconv/quote.go appendEscapedRune).
  const table: Array<[string, string | undefined]> = [
    ['"plain"', 'plain'],
    ['"tab\\there"', 'tab\there'],
    ['"bell\\a vt\\v"', 'bell\u0007 vt\u000b'],
    ['"\\x7f"', '\u007f'],
    ['"\\U0001F600"', '\u{1F600}'],
    ['"\\u00e9"', 'é'],
    ['`raw \\n`', 'raw \\n'],
    ['"bad \\q"', undefined],
    ['unquoted', undefined],
  ];
  for (const [input, want] of table) {
    it(`${input} → ${JSON.stringify(want)}`, () => assert.equal(unquoteGo(input), want));
  }
});
