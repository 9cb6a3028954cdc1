/**
 * Version classifiers for programs and libraries installed without a package manager: each names the
 * files it applies to (by basename) and the version string it looks for. Patterns follow the strings
 * the upstream projects compile in (checked against real binaries in classifiers.test.ts) and syft's
 * `syft/pkg/cataloger/binary/classifiers.go`.
 */
import { formatCpe } from './cpe.js';
import { findVersion, type VersionSearch } from './find-version.js';

export interface Classification {
  /** Package name, e.g. `openssl`. */
  name: string;
  version: string;
  cpes: string[];
  /** Which classifier matched (`corral:binary:classifier`). */
  classifier: string;
}

export interface BinaryClassifier {
  readonly id: string;
  /** Whether a file with this basename is one this classifier reads. */
  matches(name: string): boolean;
  /** The version evidence in the file's bytes; undefined when there is none. */
  classify(buf: Buffer, name: string): Classification | undefined;
}

const NUL = 0;

/** A classifier that reads one version string and maps it to one CPE. */
function versionString(
  id: string,
  matches: (name: string) => boolean,
  search: VersionSearch,
  cpe: { vendor: string; product: string },
): BinaryClassifier {
  return {
    id,
    matches,
    classify(buf) {
      const version = findVersion(buf, search);
      if (!version) return undefined;
      return { name: id, version, cpes: [formatCpe(cpe.vendor, cpe.product, version)], classifier: id };
    },
  };
}

/** `OpenSSL 1.1.1k  25 Mar 2021`, `OpenSSL 3.0.11 19 Sep 2023` (OPENSSL_VERSION_TEXT, crypto/cversion.c). */
const openssl = versionString(
  'openssl',
  (name) => name === 'openssl' || /^lib(?:ssl|crypto)\.so(?:\.\d+)*$/.test(name),
  {
    anchor: 'OpenSSL ',
    pattern:
      /OpenSSL (\d+\.\d+\.\d+[a-z]{0,2}(?:-(?:alpha|beta|pre)\d+)?)(?:-[A-Za-z0-9]+)* {1,2}\d{1,2} [A-Z][a-z]{2} \d{4}/y,
  },
  { vendor: 'openssl', product: 'openssl' },
);

/** `node.js/v18.19.0`: the user agent node builds in (src/node_version.h, NODE_VERSION_STRING). */
const node = versionString(
  'node',
  (name) => name === 'node' || name === 'nodejs',
  { anchor: 'node.js/v', pattern: /node\.js\/v(\d+\.\d+\.\d+)/y },
  { vendor: 'nodejs', product: 'node.js' },
);

/** `BusyBox v1.36.1 (2023-…)`: the banner busybox prints (include/libbb.h, BB_BANNER). */
const busybox = versionString(
  'busybox',
  (name) => name === 'busybox',
  { anchor: 'BusyBox v', pattern: /BusyBox v(\d+\.\d+\.\d+)/y },
  { vendor: 'busybox', product: 'busybox' },
);

const PYTHON_BINARY = /^python(\d)(?:\.(\d+))?$/;
const LIBPYTHON = /^libpython(\d)\.(\d+)[dmu]*\.so(?:\.\d+)*$/;

/**
 * CPython's `PY_VERSION` (Include/patchlevel.h) is compiled in as a NUL-terminated `3.11.2`; the file
 * name (`python3.11`, `libpython3.11.so.1.0`) says which major.minor to look for.
 */
const python: BinaryClassifier = {
  id: 'python',
  matches: (name) => PYTHON_BINARY.test(name) || LIBPYTHON.test(name),
  classify(buf, name) {
    const m = PYTHON_BINARY.exec(name) ?? LIBPYTHON.exec(name);
    if (!m) return undefined;
    const prefix = m[2] === undefined ? `${m[1]}.` : `${m[1]}.${m[2]}.`;
    const version = findVersion(buf, {
      anchor: prefix,
      precededBy: NUL,
      followedBy: NUL,
      pattern: /(\d+\.\d+\.\d+(?:(?:a|b|rc)\d+)?\+?)/y,
      window: 32,
    });
    if (!version) return undefined;
    const cpes = [
      formatCpe('python_software_foundation', 'python', version),
      formatCpe('python', 'python', version),
    ];
    return { name: 'python', version, cpes, classifier: 'python' };
  },
};

export const BINARY_CLASSIFIERS: readonly BinaryClassifier[] = [openssl, node, busybox, python];
