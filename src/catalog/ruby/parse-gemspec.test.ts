import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { GEMSPEC_INVALID, parseGemspec } from './parse-gemspec.js';

const testdata = join(import.meta.dirname, 'testdata');

// Real specs from Debian bookworm packages (testdata/README.md) → purl and licenses.
const FIXTURES: Array<[string, string, string[]]> = [
  ['rack-2.2.22.gemspec', 'pkg:gem/rack@2.2.22', ['MIT']],
  ['rake-13.0.6.gemspec', 'pkg:gem/rake@13.0.6', ['MIT']],
  ['test-unit-3.5.3.gemspec', 'pkg:gem/test-unit@3.5.3', ['Ruby', 'BSDL', 'PSFL']],
  ['openssl-3.0.1.gemspec', 'pkg:gem/openssl@3.0.1', ['Ruby']],
  ['bundler-2.3.7.gemspec', 'pkg:gem/bundler@2.3.7', ['MIT']],
  ['nokogiri-1.13.10.gemspec', 'pkg:gem/nokogiri@1.13.10', ['MIT']],
];

describe('parseGemspec over real installed specs', () => {
  for (const [file, purl, licenses] of FIXTURES) {
    it(file, async () => {
      const path = `/usr/lib/ruby/gems/3.1.0/specifications/${file}`;
      const r = parseGemspec(await readFile(join(testdata, 'debian', file), 'utf8'), path);
      assert.deepEqual(r.unknowns, []);
      assert.deepEqual(
        r.packages.map((p) => [p.purl, p.licenses, p.foundBy, p.locations]),
        [[purl, licenses, 'ruby-gemspec', [{ path, layerIndex: -1 }]]],
      );
    });
  }

  for (const rel of ['corrupt/rack-2.2.22.gemspec', 'empty/x-1.0.gemspec']) {
    it(`reports ${rel} as an Unknown`, async () => {
      const r = parseGemspec(await readFile(join(testdata, rel), 'utf8'), `/x/${rel}`);
      assert.deepEqual(r.packages, []);
      assert.deepEqual(
        r.unknowns.map((u) => u.code),
        [GEMSPEC_INVALID],
      );
    });
  }
});

describe('parseGemspec syntax variants', () => {
  // Assignment forms of RubyGems' Specification#to_ruby over the years (rubygems
  // lib/rubygems/specification.rb; `%q{}` before 1.8, `.freeze` since 2.7) and hand-written specs.
  const CASES: Array<[string, string, string | undefined, string[]]> = [
    [
      'modern',
      's.name = "rack".freeze\n  s.version = "2.2.22"\n  s.licenses = ["MIT".freeze]',
      'pkg:gem/rack@2.2.22',
      ['MIT'],
    ],
    [
      'frozen version',
      's.name = "formatador".freeze\ns.version = "1.1.0".freeze',
      'pkg:gem/formatador@1.1.0',
      [],
    ],
    [
      '%q strings',
      's.name = %q{rack}\ns.version = "1.1.0"\ns.license = %q{MIT}',
      'pkg:gem/rack@1.1.0',
      ['MIT'],
    ],
    ['Gem::Version.new', "s.name = 'sass'\ns.version = Gem::Version.new('3.7.4')", 'pkg:gem/sass@3.7.4', []],
    ['spec receiver', 'spec.name = "x"\nspec.version = Gem::Version.new("1.2")', 'pkg:gem/x@1.2', []],
    [
      'multi-line licenses',
      's.name = "a"\ns.version = "1"\ns.licenses = ["Ruby".freeze,\n "BSD-2-Clause".freeze]',
      'pkg:gem/a@1',
      ['Ruby', 'BSD-2-Clause'],
    ],
    [
      'platform qualifier',
      's.name = "nokogiri".freeze\ns.version = "1.15.4"\ns.platform = "x86_64-linux".freeze',
      'pkg:gem/nokogiri@1.15.4?platform=x86_64-linux',
      [],
    ],
    ['ruby platform', 's.name = "a"\ns.version = "1"\ns.platform = "ruby"', 'pkg:gem/a@1', []],
    ['escapes', 's.name = "caf\\u00E9"\ns.version = "1"', 'pkg:gem/caf%C3%A9@1', []],
    ['metadata hash is not the name', 's.metadata = { "name" => "x" }\ns.version = "1"', undefined, []],
    ['computed name', 's.name = NAME\ns.version = Foo::VERSION', undefined, []],
  ];
  for (const [label, text, purl, licenses] of CASES) {
    it(label, () => {
      const r = parseGemspec(
        `Gem::Specification.new do |s|\n  ${text}\nend\n`,
        '/x/specifications/x.gemspec',
      );
      if (purl === undefined) {
        assert.deepEqual(r.packages, []);
        assert.deepEqual(
          r.unknowns.map((u) => u.code),
          [GEMSPEC_INVALID],
        );
        return;
      }
      assert.deepEqual(
        r.packages.map((p) => [p.purl, p.licenses]),
        [[purl, licenses]],
      );
    });
  }
});
