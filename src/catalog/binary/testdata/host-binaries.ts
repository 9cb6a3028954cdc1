/**
 * The real binaries of this machine that the binary classifier tests copy into images, with the version
 * each one's own tool reports (the ground truth). Debian bookworm provides them: openssl + libssl3
 * (scripts/test-env.sh installs openssl), busybox-static (installed by test-env.sh), python3.11 and
 * libpython3.11, the JDK (java), and node itself (the test runner).
 */
import { access, realpath } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { run } from '../../../../test/helpers/catalog-files.js';

export interface HostBinary {
  /** Path on this machine (and, by default, in the test image). */
  path: string;
  /** The version the tool reports about itself, undefined when the file carries none. */
  expected: () => Promise<string | undefined>;
}

const LIB = '/usr/lib/x86_64-linux-gnu';
const firstMatch = (re: RegExp) => (out: string) => re.exec(out)?.[1];
const opensslVersion = async () => firstMatch(/^OpenSSL (\S+)/)(await run('openssl', ['version']));

export const HOST_BINARIES: Record<string, HostBinary> = {
  // The CLI prints OPENSSL_VERSION_TEXT of the headers it was built with; libcrypto carries the same.
  openssl: { path: '/usr/bin/openssl', expected: opensslVersion },
  // OpenSSL 3's libssl carries no version text (only ABI symbol versions such as OPENSSL_3.0.0).
  libssl: { path: `${LIB}/libssl.so.3`, expected: async () => undefined },
  libcrypto: { path: `${LIB}/libcrypto.so.3`, expected: opensslVersion },
  busybox: {
    path: '/bin/busybox',
    expected: async () => firstMatch(/BusyBox v(\d+\.\d+\.\d+)/)(await run('/bin/busybox', ['--help']).catch((e: Error) => e.message)),
  },
  python: {
    path: '/usr/bin/python3.11',
    expected: async () => (await run('/usr/bin/python3.11', ['-c', 'import platform; print(platform.python_version())'])).trim(),
  },
  libpython: {
    path: `${LIB}/libpython3.11.so.1.0`,
    expected: async () => (await run('/usr/bin/python3.11', ['-c', 'import platform; print(platform.python_version())'])).trim(),
  },
  node: { path: process.execPath, expected: async () => process.version.slice(1) },
};

/** `$JAVA_HOME/release` of the installed JDK, and whether that JDK has javac. */
export async function jdkRelease(): Promise<{ home: string; release: string }> {
  const java = (await run('sh', ['-c', 'command -v java'])).trim();
  const home = dirname(dirname(await realpath(java)));
  return { home, release: join(home, 'release') };
}

/** The host paths that exist. */
export async function existing(paths: readonly string[]): Promise<string[]> {
  const out: string[] = [];
  for (const p of paths) if (await access(p).then(() => true, () => false)) out.push(p);
  return out;
}
