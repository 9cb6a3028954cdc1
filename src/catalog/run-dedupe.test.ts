/**
 * The catalog runner's deduplication and relationships (issue 3 §3), on a real OCI layout built in the
 * test and the toy catalogers of test/support: language packages whose files an OS package installed are
 * folded into it (their upstream identity kept as a property), the image `contains` every package,
 * cataloger relationships named by purl become package ids, and nothing dangles or repeats.
 */
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { buildOciLayout, type FileSpec } from '../../test/helpers/build-image.js';
import { TOY_CATALOGERS, TOY_STATUS } from '../../test/support/toy-catalogers.js';
import { openImage } from '../image/index.js';
import { defaultLimits } from '../image/limits.js';
import { IMAGE_NODE_ID, type Sbom } from '../sbom/model.js';
import { introducedInLayer } from '../sbom/package-layer.js';
import { catalogImage } from './run.js';

const SITE = '/usr/lib/python3/dist-packages';
const STATUS_L0 = [
  'base 1.0 amd64 - -',
  `python3-toy 2.0-1 all toy@2.0-1 ${SITE}/toy/toy-pkg.json,${SITE}/toylib/toy-pkg.json`,
];
const STATUS_L2 = [...STATUS_L0, 'extra 3.0 amd64 - -', 'twin 1.0 amd64 - -', 'twin 1.0 amd64 - -'];
const json = (v: unknown): string => JSON.stringify(v);
const dirs = (...paths: string[]): FileSpec[] => paths.map((path) => ({ path, type: 'dir' as const }));

let work: string;
let sbom: Sbom;

async function catalog(): Promise<Sbom> {
  const limits = defaultLimits();
  const img = await openImage(`oci-layout:${join(work, 'layout')}:v1`, { limits });
  try {
    return await catalogImage(img, {
      limits,
      catalogers: TOY_CATALOGERS,
      now: new Date('2024-01-01T00:00:00Z'),
    });
  } finally {
    await img.close();
  }
}

before(async () => {
  work = await mkdtemp(join(tmpdir(), 'corral-dedupe-'));
  await buildOciLayout(join(work, 'layout'), {
    tag: 'v1',
    layers: [
      {
        files: [
          ...dirs(
            '/var',
            '/var/lib',
            '/var/lib/toy',
            '/usr',
            '/usr/lib',
            '/usr/lib/python3',
            SITE,
            `${SITE}/toy`,
            `${SITE}/toylib`,
          ),
          { path: TOY_STATUS, content: `${STATUS_L0.join('\n')}\n` },
          { path: `${SITE}/toy/toy-pkg.json`, content: json({ name: 'toy', version: '2.0' }) },
          { path: `${SITE}/toylib/toy-pkg.json`, content: json({ name: 'toylib', version: '2.0' }) },
        ],
        createdBy: 'ADD rootfs',
      },
      {
        files: [
          ...dirs(
            '/app',
            '/app/node_modules',
            '/app/node_modules/left',
            '/app/vendor',
            '/app/vendor/left',
            '/app/broken',
          ),
          {
            path: '/app/toy-pkg.json',
            content: json({
              name: 'app',
              version: '1.0.0',
              deps: ['left@1.0.0', 'left@1.0.0', 'toy@2.0', 'missing@9'],
            }),
          },
          { path: '/app/node_modules/left/toy-pkg.json', content: json({ name: 'left', version: '1.0.0' }) },
          { path: '/app/vendor/left/toy-pkg.json', content: json({ name: 'left', version: '1.0.0' }) },
          { path: '/app/broken/toy-pkg.json', content: '{"name": ' },
        ],
        createdBy: 'COPY app /app',
      },
      {
        files: [{ path: TOY_STATUS, content: `${STATUS_L2.join('\n')}\n` }],
        createdBy: 'RUN toy install extra twin',
      },
    ],
  });
  sbom = await catalog();
});
after(async () => {
  await rm(work, { recursive: true, force: true });
});

const named = (name: string) => sbom.packages.filter((p) => p.name === name);

describe('catalog runner: deduplication', () => {
  it('folds language packages owned by an OS package into it, keeping their upstream purls', () => {
    assert.deepEqual(named('toy'), []);
    assert.deepEqual(named('toylib'), []);
    const [os] = named('python3-toy');
    assert.ok(os);
    assert.deepEqual(os.properties?.['corral:upstream:purl']?.split(' ').sort(), [
      'pkg:npm/toy@2.0',
      'pkg:npm/toylib@2.0',
    ]);
    assert.deepEqual(os.source, { name: 'toy', version: '2.0-1' });
    assert.equal(introducedInLayer(os), 0);
  });

  it('keeps packages nobody owns, once per location, each with its own layer', () => {
    const summary = sbom.packages
      .map((p) => `${p.type}/${p.name}@${p.version} L${introducedInLayer(p)} ${p.locations[0]!.path}`)
      .sort();
    assert.deepEqual(summary, [
      'deb/base@1.0 L0 /var/lib/toy/status',
      'deb/extra@3.0 L2 /var/lib/toy/status',
      'deb/python3-toy@2.0-1 L0 /var/lib/toy/status',
      'deb/twin@1.0 L2 /var/lib/toy/status',
      'deb/twin@1.0 L2 /var/lib/toy/status',
      'npm/app@1.0.0 L1 /app/toy-pkg.json',
      'npm/left@1.0.0 L1 /app/node_modules/left/toy-pkg.json',
      'npm/left@1.0.0 L1 /app/vendor/left/toy-pkg.json',
    ]);
  });

  it('gives unique ids that are stable across runs (same purl and path → #2)', async () => {
    const ids = sbom.packages.map((p) => p.id);
    assert.equal(new Set(ids).size, ids.length);
    for (const id of ids) assert.match(id, /^p-[0-9a-f]{16}(#\d+)?$/);
    const twins = named('twin')
      .map((p) => p.id)
      .sort();
    assert.equal(twins[1], `${twins[0]}#2`);
    const again = await catalog();
    assert.deepEqual(
      again.packages.map((p) => p.id),
      ids,
    );
  });

  it('reports bad content as an Unknown with its layer and cataloger, and goes on', () => {
    assert.deepEqual(
      sbom.unknowns.map((u) => [u.code, u.path, u.layerIndex, u.cataloger]),
      [['TOY_JSON_INVALID', '/app/broken/toy-pkg.json', 1, 'toy-lang']],
    );
  });
});

describe('catalog runner: relationships', () => {
  it('the image contains every package exactly once', () => {
    const contained = sbom.relationships
      .filter((r) => r.from === IMAGE_NODE_ID)
      .map((r) => `${r.type} ${r.to}`);
    assert.deepEqual(contained.sort(), sbom.packages.map((p) => `contains ${p.id}`).sort());
  });

  it('rewrites purl-named relationships to ids, once, and drops those to unknown packages', () => {
    const id = (p: { id: string }) => p.id;
    const app = named('app')[0]!;
    const lefts = named('left').map(id);
    const deps = sbom.relationships.filter((r) => r.from === app.id);
    assert.equal(deps.length, 1, JSON.stringify(deps));
    assert.equal(deps[0]!.type, 'depends-on');
    assert.ok(lefts.includes(deps[0]!.to));
  });

  it('leaves no relationship dangling or repeated', () => {
    const ids = new Set(sbom.packages.map((p) => p.id));
    const keys = sbom.relationships.map((r) => `${r.from} ${r.type} ${r.to}`);
    assert.equal(new Set(keys).size, keys.length);
    for (const r of sbom.relationships) {
      assert.ok(r.from === IMAGE_NODE_ID || ids.has(r.from), r.from);
      assert.ok(ids.has(r.to), r.to);
    }
  });
});
