import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { DEPS_JSON_INVALID, LIBRARY_TYPE_PROPERTY, parseDepsJson } from './parse-deps-json.js';

const testdata = join(import.meta.dirname, 'testdata');
const read = (rel: string) => readFile(join(testdata, rel), 'utf8');
const PATH = '/app/ConsoleApp1.deps.json';

describe('parseDepsJson over a real dotnet build', () => {
  it('reports every NuGet package of the runtime target, not the project itself', async () => {
    const r = parseDepsJson(await read('azure-servicebus/ConsoleApp1.deps.json'), PATH);
    assert.deepEqual(r.unknowns, []);
    assert.deepEqual(r.packages.map((p) => p.purl).sort(), [
      'pkg:nuget/Azure.Core.Amqp@1.3.0',
      'pkg:nuget/Azure.Core@1.36.0',
      'pkg:nuget/Azure.Messaging.ServiceBus@7.17.1',
      'pkg:nuget/Microsoft.Azure.Amqp@2.6.4',
      'pkg:nuget/Microsoft.Bcl.AsyncInterfaces@1.1.1',
      'pkg:nuget/System.Diagnostics.DiagnosticSource@6.0.1',
      'pkg:nuget/System.Memory.Data@1.0.2',
      'pkg:nuget/System.Memory@4.5.4',
      'pkg:nuget/System.Numerics.Vectors@4.5.0',
      'pkg:nuget/System.Runtime.CompilerServices.Unsafe@6.0.0',
      'pkg:nuget/System.Text.Encodings.Web@4.7.2',
      'pkg:nuget/System.Text.Json@4.7.2',
      'pkg:nuget/System.Threading.Tasks.Extensions@4.5.4',
    ]);
    assert.ok(
      r.packages.every(
        (p) => p.type === 'nuget' && p.foundBy === 'dotnet-deps' && p.locations[0]?.path === PATH,
      ),
    );
  });

  it('turns target dependencies between packages into depends-on relationships', async () => {
    const r = parseDepsJson(await read('azure-servicebus/ConsoleApp1.deps.json'), PATH);
    const edges = r.relationships.map((e) => `${e.from} -> ${e.to}`);
    assert.ok(edges.includes('pkg:nuget/Azure.Messaging.ServiceBus@7.17.1 -> pkg:nuget/Azure.Core@1.36.0'));
    assert.ok(edges.includes('pkg:nuget/Azure.Core@1.36.0 -> pkg:nuget/System.Text.Json@4.7.2'));
    // the project entry (ConsoleApp1/1.0.0) is not a package: no edge starts there
    assert.ok(r.relationships.every((e) => e.type === 'depends-on' && !e.from.includes('ConsoleApp1')));
    assert.equal(r.relationships.length, 18); // 7 + 3 + 5 + 1 + 2 entries under "dependencies"
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
