/**
 * Regenerates demo/demo-image.tar: a small, deterministic docker-archive that looks like a Debian 12
 * image with an application layer (OS packages, a Node module, a Python distribution). It is the bundled
 * demo data of README's first command. Run: node --import tsx scripts/make-demo.ts
 */
import { join } from 'node:path';
import { buildDockerArchive, type FileSpec } from '../test/helpers/build-image.js';

const dpkgStatus = [
  ['libc6', '2.36-9+deb12u1', 'glibc', 'amd64'],
  ['libssl3', '3.0.11-1~deb12u1', 'openssl', 'amd64'],
  ['openssl', '3.0.11-1~deb12u1', '', 'amd64'],
  ['bash', '5.2.15-2+b2', '', 'amd64'],
  ['zlib1g', '1:1.2.13.dfsg-1', 'zlib', 'amd64'],
]
  .map(
    ([pkg, ver, src, arch]) =>
      `Package: ${pkg}\nStatus: install ok installed\nPriority: required\nArchitecture: ${arch}\n` +
      (src ? `Source: ${src}\n` : '') +
      `Version: ${ver}\nDescription: ${pkg} (demo entry)\n`,
  )
  .join('\n');

const dir = (path: string): FileSpec => ({ path, type: 'dir' });

const base: FileSpec[] = [
  dir('/etc'),
  dir('/usr'),
  dir('/usr/lib'),
  {
    path: '/usr/lib/os-release',
    content:
      'PRETTY_NAME="Debian GNU/Linux 12 (bookworm)"\nNAME="Debian GNU/Linux"\nVERSION_ID="12"\nVERSION="12 (bookworm)"\nVERSION_CODENAME=bookworm\nID=debian\n',
  },
  { path: '/etc/os-release', type: 'symlink', target: '../usr/lib/os-release' },
  { path: '/etc/debian_version', content: '12.2\n' },
  dir('/var'),
  dir('/var/lib'),
  dir('/var/lib/dpkg'),
  { path: '/var/lib/dpkg/status', content: `${dpkgStatus}\n` },
  dir('/bin'),
  { path: '/bin/bash', content: 'not really bash', mode: 0o755 },
  { path: '/bin/sh', type: 'symlink', target: 'bash' },
  dir('/tmp'),
  { path: '/tmp/build-cache', content: 'removed by the app layer' },
];

const app: FileSpec[] = [
  { path: '/tmp/build-cache', type: 'whiteout' },
  dir('/app'),
  dir('/app/node_modules'),
  dir('/app/node_modules/lodash'),
  {
    path: '/app/node_modules/lodash/package.json',
    content: JSON.stringify({ name: 'lodash', version: '4.17.20', license: 'MIT' }, null, 2),
  },
  {
    path: '/app/package.json',
    content: JSON.stringify(
      { name: 'demo-app', version: '1.0.0', dependencies: { lodash: '4.17.20' } },
      null,
      2,
    ),
  },
  dir('/usr/local'),
  dir('/usr/local/lib'),
  dir('/usr/local/lib/python3.11'),
  dir('/usr/local/lib/python3.11/site-packages'),
  dir('/usr/local/lib/python3.11/site-packages/requests-2.25.0.dist-info'),
  {
    path: '/usr/local/lib/python3.11/site-packages/requests-2.25.0.dist-info/METADATA',
    content: 'Metadata-Version: 2.1\nName: requests\nVersion: 2.25.0\nLicense: Apache 2.0\n',
  },
];

const out = join(import.meta.dirname, '..', 'demo', 'demo-image.tar');
await buildDockerArchive(out, {
  repoTags: ['corral-demo/app:1.0'],
  config: {
    config: {
      User: 'app',
      Env: ['PATH=/usr/local/bin:/usr/bin:/bin', 'NODE_ENV=production'],
      Entrypoint: ['node', '/app/index.js'],
      ExposedPorts: { '8080/tcp': {} },
      Labels: {
        'org.opencontainers.image.source': 'https://example.com/corral/demo',
        'org.opencontainers.image.revision': '0123456789abcdef',
      },
    },
  },
  layers: [
    { files: base, createdBy: '/bin/sh -c #(nop) ADD file:debian-bookworm-rootfs in /' },
    { emptyLayer: true, createdBy: '/bin/sh -c #(nop)  CMD ["bash"]' },
    { files: app, createdBy: 'COPY . /app # buildkit' },
  ],
});
process.stdout.write(`wrote ${out}\n`);
