import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { DEPS_JSON_INVALID, LIBRARY_TYPE_PROPERTY, parseDepsJson } from './parse-deps-json.js';

const testdata = join(import.meta.dirname, 'testdata');
const read = (rel: string) => readFile(join(testdata, rel), 'utf8');
const PATH = '/app/InventorySync.deps.json';

describe('parseDepsJson over a framework-dependent .NET 6 build', () => {
  it('reports every NuGet package of the runtime target, not the project itself', async () => {
    const r = parseDepsJson(await read('sqlite-worker/InventorySync.deps.json'), PATH);
    assert.deepEqual(r.unknowns, []);
    assert.deepEqual(r.packages.map((p) => p.purl).sort(), [
      'pkg:nuget/Dapper@2.0.123',
      'pkg:nuget/Microsoft.Data.Sqlite.Core@6.0.10',
      'pkg:nuget/Microsoft.Data.Sqlite@6.0.10',
      'pkg:nuget/Polly@7.2.3',
      'pkg:nuget/SQLitePCLRaw.bundle_e_sqlite3@2.0.6',
      'pkg:nuget/SQLitePCLRaw.core@2.0.6',
      'pkg:nuget/SQLitePCLRaw.lib.e_sqlite3@2.0.6',
      'pkg:nuget/SQLitePCLRaw.provider.e_sqlite3@2.0.6',
      'pkg:nuget/Serilog.Sinks.Console@4.1.0',
      'pkg:nuget/Serilog@2.12.0',
      'pkg:nuget/System.Memory@4.5.3',
    ]);
    assert.ok(
      r.packages.every(
        (p) => p.type === 'nuget' && p.foundBy === 'dotnet-deps' && p.locations[0]?.path === PATH,
      ),
    );
  });

  it('turns target dependencies between packages into depends-on relationships', async () => {
    const r = parseDepsJson(await read('sqlite-worker/InventorySync.deps.json'), PATH);
    const edges = r.relationships.map((e) => `${e.from} -> ${e.to}`);
    assert.ok(
      edges.includes('pkg:nuget/Microsoft.Data.Sqlite@6.0.10 -> pkg:nuget/Microsoft.Data.Sqlite.Core@6.0.10'),
    );
    assert.ok(edges.includes('pkg:nuget/SQLitePCLRaw.core@2.0.6 -> pkg:nuget/System.Memory@4.5.3'));
    // the project entry (InventorySync/1.0.0) is not a package: no edge starts there
    assert.ok(r.relationships.every((e) => e.type === 'depends-on' && !e.from.includes('InventorySync')));
    assert.equal(r.relationships.length, 9); // 2 + 1 + 1 + 3 + 1 + 1 entries under "dependencies"
  });
});

describe('parseDepsJson shapes and bad input', () => {
  it('reports the runtime pack of a self-contained app under its NuGet id', () => {
    // the shape `dotnet publish --self-contained -r linux-x64` writes (dotnet/sdk documentation/specs)
    const deps = {
      runtimeTarget: { name: '.NETCoreApp,Version=v8.0/linux-x64' },
      targets: {
        '.NETCoreApp,Version=v8.0/linux-x64': {
          'App/1.0.0': { dependencies: { 'runtimepack.Microsoft.NETCore.App.Runtime.linux-x64': '8.0.0' } },
          'runtimepack.Microsoft.NETCore.App.Runtime.linux-x64/8.0.0': { runtime: {} },
        },
      },
      libraries: {
        'App/1.0.0': { type: 'project', serviceable: false, sha512: '' },
        'runtimepack.Microsoft.NETCore.App.Runtime.linux-x64/8.0.0': {
          type: 'runtimepack',
          serviceable: false,
          sha512: '',
        },
        'Compile.Only/1.0.0': { type: 'package', serviceable: true, sha512: 'sha512-x' },
      },
    };
    const r = parseDepsJson(JSON.stringify(deps), PATH);
    assert.deepEqual(
      r.packages.map((p) => [p.purl, p.properties]),
      [
        [
          'pkg:nuget/Microsoft.NETCore.App.Runtime.linux-x64@8.0.0',
          { [LIBRARY_TYPE_PROPERTY]: 'runtimepack' },
        ],
      ],
    );
  });

  for (const name of ['corrupt', 'empty']) {
    it(`reports testdata/${name}/App.deps.json as an Unknown`, async () => {
      const r = parseDepsJson(await read(`${name}/App.deps.json`), `/x/${name}`);
      assert.deepEqual(r.packages, []);
      assert.deepEqual(
        r.unknowns.map((u) => u.code),
        [DEPS_JSON_INVALID],
      );
    });
  }

  it('reports library keys that are not Name/Version', () => {
    const r = parseDepsJson(
      JSON.stringify({ libraries: { NoVersion: { type: 'package' }, 'A/1.0': { type: 'package' } } }),
      PATH,
    );
    assert.deepEqual(
      r.packages.map((p) => p.purl),
      ['pkg:nuget/A@1.0'],
    );
    assert.deepEqual(
      r.unknowns.map((u) => u.code),
      [DEPS_JSON_INVALID],
    );
  });
});
