/**
 * .NET dependency manifests (`<App>.deps.json`, written next to the app by `dotnet build/publish`):
 * `libraries` lists every library with its `type`; `targets[runtimeTarget.name]` is the closure the app
 * runs with. Reported: `package` libraries (NuGet) and `runtimepack` ones (the .NET runtime of a
 * self-contained app, NuGet id without the `runtimepack.` prefix) that the runtime target contains.
 * `project` and reference-assembly libraries are the app's own code or framework references.
 * ref. https://github.com/dotnet/runtime/blob/main/docs/design/features/host-runtime-information.md,
 *      https://github.com/dotnet/sdk/blob/main/documentation/specs/runtime-configuration-file.md
 */
import { createLanguagePackage, ResultBuilder } from '../internal/language-package.js';
import { isRecord, parseJson, stringField, type JsonRecord } from '../internal/json-shape.js';
import type { CatalogResult, Relationship } from '../model.js';

export const DEPS_CATALOGER_ID = 'dotnet-deps';
export const DEPS_JSON_INVALID = 'CATALOG_DOTNET_DEPS_JSON_INVALID';
export const LIBRARY_TYPE_PROPERTY = 'corral:dotnet:library-type';
const RUNTIME_PACK_PREFIX = 'runtimepack.';
const REPORTED_TYPES = new Set(['package', 'runtimepack']);

/** `Newtonsoft.Json/13.0.1` → name and version (the last `/` separates them). */
function splitLibraryKey(key: string): { name: string; version: string } | undefined {
  const slash = key.lastIndexOf('/');
  if (slash <= 0 || slash === key.length - 1) return undefined;
  return { name: key.slice(0, slash), version: key.slice(slash + 1) };
}

/** The runtime target's entries, or undefined when the file names none (then every library counts). */
function runtimeTarget(json: JsonRecord): JsonRecord | undefined {
  const name = isRecord(json.runtimeTarget) ? stringField(json.runtimeTarget, 'name') : undefined;
  if (name === undefined || !isRecord(json.targets)) return undefined;
  const target = json.targets[name];
  return isRecord(target) ? target : undefined;
}

/** @example parseDepsJson(text, '/app/MyApp.deps.json').packages.map((p) => p.purl) */
export function parseDepsJson(text: string, path: string): CatalogResult {
  const out = new ResultBuilder();
  const parsed = parseJson(text);
  if (!parsed.ok || !isRecord(parsed.value) || !isRecord(parsed.value.libraries)) {
    const why = parsed.ok ? 'has no "libraries" object' : `is not valid JSON: ${parsed.message}`;
    out.unknown(path, DEPS_JSON_INVALID, `${path} ${why}: not a .NET deps.json`);
    return out.result();
  }
  const target = runtimeTarget(parsed.value);
  const purlByKey = new Map<string, string>();
  for (const [key, lib] of Object.entries(parsed.value.libraries)) {
    const type = isRecord(lib) ? stringField(lib, 'type') : undefined;
    if (type === undefined || !REPORTED_TYPES.has(type) || (target && !(key in target))) continue;
    const id = splitLibraryKey(key);
    if (id === undefined) {
      out.unknown(path, DEPS_JSON_INVALID, `${path}: library "${key}" is not "Name/Version"; skipped`);
      continue;
    }
    const name =
      type === 'runtimepack' && id.name.startsWith(RUNTIME_PACK_PREFIX)
        ? id.name.slice(RUNTIME_PACK_PREFIX.length)
        : id.name;
    const r = createLanguagePackage(
      {
        name,
        version: id.version,
        type: 'nuget',
        purl: { name },
        licenses: [],
        path,
        foundBy: DEPS_CATALOGER_ID,
        ...(type !== 'package' && { properties: { [LIBRARY_TYPE_PROPERTY]: type } }),
      },
      DEPS_JSON_INVALID,
    );
    out.add(r);
    if (r.ok) purlByKey.set(key, r.pkg.purl);
  }
  return out.result(target ? dependsOn(target, purlByKey) : []);
}

/** `depends-on` edges from each reported target entry's `dependencies` to reported libraries. */
function dependsOn(target: JsonRecord, purlByKey: Map<string, string>): Relationship[] {
  const rels: Relationship[] = [];
  for (const [key, entry] of Object.entries(target)) {
    const from = purlByKey.get(key);
    if (from === undefined || !isRecord(entry) || !isRecord(entry.dependencies)) continue;
    for (const [dep, version] of Object.entries(entry.dependencies)) {
      const to = typeof version === 'string' ? purlByKey.get(`${dep}/${version}`) : undefined;
      if (to !== undefined) rels.push({ from, to, type: 'depends-on' });
    }
  }
  return rels;
}
