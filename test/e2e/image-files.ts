/**
 * File lists for the layers of the small images the e2e tests build (`buildOciLayout`,
 * `buildDockerArchive`): a Debian root as the dpkg cataloger and the distro detection read it, and one
 * npm package installed under `/app/node_modules`. Parent directories are listed, as real layers have
 * them.
 */
import type { FileSpec } from '../helpers/build-image.js';

/** `/etc/os-release` of Debian 12 (bookworm): the fields Corral reads to pick the distro feed. */
export const DEBIAN_12_OS_RELEASE =
  'PRETTY_NAME="Debian GNU/Linux 12 (bookworm)"\nID=debian\nVERSION_ID="12"\nVERSION_CODENAME=bookworm\n';

/** `/etc/os-release` and the dpkg status database `/var/lib/dpkg/status`, with their parent dirs. */
export function debianRootFiles(
  dpkgStatus: string | Buffer,
  osRelease: string | Buffer = DEBIAN_12_OS_RELEASE,
): FileSpec[] {
  return [
    { path: '/etc/', type: 'dir' },
    { path: '/etc/os-release', content: osRelease },
    { path: '/var/', type: 'dir' },
    { path: '/var/lib/', type: 'dir' },
    { path: '/var/lib/dpkg/', type: 'dir' },
    { path: '/var/lib/dpkg/status', content: dpkgStatus },
  ];
}

/** One installed npm package, `/app/node_modules/<name>/package.json` (MIT), with its parent dirs. */
export function npmPackageFiles(name: string, version: string): FileSpec[] {
  return [
    { path: '/app/', type: 'dir' },
    { path: '/app/node_modules/', type: 'dir' },
    { path: `/app/node_modules/${name}/`, type: 'dir' },
    {
      path: `/app/node_modules/${name}/package.json`,
      content: JSON.stringify({ name, version, license: 'MIT' }),
    },
  ];
}
