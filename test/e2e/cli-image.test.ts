/**
 * The `corral image` commands as a user runs them: output shapes, `--json`, exit codes, one-line errors.
 */
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile, mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { buildOciLayout, pushToRegistry } from '../helpers/build-image.js';
import { runCli } from '../helpers/cli.js';
import { registry } from '../helpers/env.js';
import { assertCleanError } from './cli-errors.js';

const DEMO = 'demo/demo-image.tar';
let work: string;
before(async () => {
  work = await mkdtemp(join(tmpdir(), 'corral-cli-'));
});
after(async () => {
  await rm(work, { recursive: true, force: true });
});

describe('corral image inspect', () => {
  it('prints JSON for scripts', async () => {
    const r = await runCli(['image', 'inspect', DEMO, '--json']);
    assert.equal(r.code, 0, r.stderr);
    const s = JSON.parse(r.stdout) as Record<string, unknown> & {
      layers: { createdBy: string; entries: number }[];
      config: { user: string; exposedPorts: string[]; labels: Record<string, string> };
      files: { regular: number };
      history: { layerIndex: number | null }[];
    };
    assert.equal(s.schemaVersion, 1);
    assert.equal(s.source, 'docker-archive');
    assert.equal(s.platform, 'linux/amd64');
    assert.deepEqual(s.repoTags, ['corral-demo/app:1.0']);
    assert.equal(s.config.user, 'app');
    assert.deepEqual(s.config.exposedPorts, ['8080/tcp']);
    assert.equal(s.config.labels['org.opencontainers.image.source'], 'https://example.com/corral/demo');
    assert.equal(s.layers.length, 2);
    assert.equal(s.layers[1]!.createdBy, 'COPY . /app # buildkit');
    assert.deepEqual(
      s.history.map((h) => h.layerIndex),
      [0, null, 1],
    );
    assert.equal(s.files.regular, 7);
  });

  it('prints a readable summary', async () => {
    const r = await runCli(['image', 'inspect', DEMO]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^Reference\s+docker-archive:demo\/demo-image.tar$/m);
    assert.match(r.stdout, /^Layers \(2\)$/m);
    assert.ok(!r.stdout.includes('\u001b['), 'no colours when not a TTY');
  });

  it('lists the squashed view and single layers', async () => {
    const all = await runCli(['image', 'ls-files', DEMO, '--json']);
    assert.equal(all.code, 0, all.stderr);
    const files = JSON.parse(all.stdout) as { path: string; layer: number; type: string }[];
    assert.ok(files.some((f) => f.path === '/app/node_modules/lodash/package.json' && f.layer === 1));
    assert.ok(!files.some((f) => f.path === '/tmp/build-cache'), 'whiteout applied');
    const one = await runCli(['image', 'ls-files', DEMO, '--layer', '1']);
    assert.equal(one.code, 0, one.stderr);
    assert.match(one.stdout, /^whiteout\t0\t\/tmp\/build-cache$/m);
  });
});

describe('errors and exit codes', () => {
  it('exit 3 for a missing image, 4 for a corrupt one, 2 for usage errors', async () => {
    const missing = await runCli(['image', 'inspect', './no-such-image.tar']);
    assert.equal(missing.code, 3);
    assertCleanError(missing.stderr, 'IMAGE_NOT_FOUND');
    const junk = join(work, 'junk.tar');
    await writeFile(junk, Buffer.alloc(4096, 0x41));
    const corrupt = await runCli(['image', 'inspect', `docker-archive:${junk}`]);
    assert.equal(corrupt.code, 4);
    assertCleanError(corrupt.stderr, 'IMAGE_ARCHIVE_CORRUPT');
    const layer = await runCli(['image', 'ls-files', DEMO, '--layer', '9']);
    assert.equal(layer.code, 2);
    assertCleanError(layer.stderr, 'CLI_USAGE');
    const platform = await runCli(['image', 'inspect', DEMO, '--platform', 'linux']);
    assert.equal(platform.code, 2);
    assertCleanError(platform.stderr, 'CLI_USAGE');
    const size = await runCli(['image', 'inspect', DEMO, '--max-layer-size', '1KiB']);
    assert.equal(size.code, 4);
    assertCleanError(size.stderr, 'IMAGE_LIMIT_EXCEEDED');
    const unknown = await runCli(['image', 'inspect']);
    assert.equal(unknown.code, 2);
  });
});

describe('registry flags', () => {
  it('uses --ca-file with credentials from env, or from a Docker config.json', async (t) => {
    const reg = registry(t);
    if (!reg) return;
    const layout = join(work, 'layout');
    await buildOciLayout(layout, {
      layers: [
        {
          files: [
            { path: '/etc', type: 'dir' },
            { path: '/etc/os-release', content: 'ID=cli\n' },
          ],
        },
      ],
      tag: 'v1',
    });
    await pushToRegistry(layout, 'v1', `${reg.host}/corral/cli:v1`, { creds: reg, caFile: reg.caFile });
    const ref = `${reg.host}/corral/cli:v1`;
    const viaEnv = await runCli(['image', 'inspect', ref, '--ca-file', reg.caFile, '--json'], {
      CORRAL_REGISTRY_USERNAME: reg.user,
      CORRAL_REGISTRY_PASSWORD: reg.password,
    });
    assert.equal(viaEnv.code, 0, viaEnv.stderr);
    assert.equal((JSON.parse(viaEnv.stdout) as { files: { regular: number } }).files.regular, 1);
    const cfgDir = join(work, 'docker-config');
    await mkdir(cfgDir, { recursive: true });
    const auth = Buffer.from(`${reg.user}:${reg.password}`).toString('base64');
    await writeFile(join(cfgDir, 'config.json'), JSON.stringify({ auths: { [reg.host]: { auth } } }));
    const viaConfig = await runCli(['image', 'inspect', ref, '--ca-file', reg.caFile], {
      DOCKER_CONFIG: cfgDir,
    });
    assert.equal(viaConfig.code, 0, viaConfig.stderr);
    const noCreds = await runCli(['image', 'inspect', ref, '--ca-file', reg.caFile], {
      DOCKER_CONFIG: join(work, 'empty'),
    });
    assert.equal(noCreds.code, 5);
    assertCleanError(noCreds.stderr, 'REGISTRY_AUTH_FAILED');
  });
});
