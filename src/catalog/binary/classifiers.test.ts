import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { describe, it } from 'node:test';
import { BINARY_CLASSIFIERS } from './classifiers.js';
import { existing, HOST_BINARIES } from './testdata/host-binaries.js';

function classify(name: string, buf: Buffer) {
  return BINARY_CLASSIFIERS.filter((c) => c.matches(name)).map((c) => c.classify(buf, name));
}

/** A C-string blob as compilers lay them out: NUL-separated, padded with noise. */
const blob = (...strings: string[]) =>
  Buffer.from(`\x00\x7fELF\x00garbage\x00${strings.join('\x00')}\x00tail\x00`, 'latin1');

describe('binary classifiers on the real binaries of this machine', () => {
  for (const [id, host] of Object.entries(HOST_BINARIES)) {
    it(`${id}: ${host.path}`, async (t) => {
      if ((await existing([host.path])).length === 0) {
        if (process.env.CI === 'true')
          assert.fail(`${host.path} is missing (scripts/test-env.sh installs it)`);
        t.skip(`${host.path} not on this machine`);
        return;
      }
      const found = classify(host.path.slice(host.path.lastIndexOf('/') + 1), await readFile(host.path));
      const want = await host.expected();
      assert.deepEqual(
        found.map((f) => f?.version),
        [want],
      );
    });
  }
});

describe('binary classifier patterns', () => {
  // Version strings as the projects compile them in (and as syft's classifier snippets show them).
  const table: Array<[string, Buffer, string | undefined]> = [
    ['libssl.so.1.1', blob('OpenSSL 1.1.1k  25 Mar 2021'), '1.1.1k'],
    ['libcrypto.so.1.0.0', blob('OpenSSL 1.0.2u-fips  20 Dec 2019'), '1.0.2u'],
    ['openssl', blob('OpenSSL 3.0.0-alpha17 20 May 2021'), '3.0.0-alpha17'],
    ['openssl', blob('OpenSSL %s  %s', 'compiled with OpenSSL 1.1.1'), undefined],
    ['libssl3.so', blob('OpenSSL 1.1.1k  25 Mar 2021'), undefined], // NSS's libssl3.so is not OpenSSL: not even asked
    ['node', blob('node.js/v18.19.0'), '18.19.0'],
    ['nodejs', blob('Mozilla/5.0 node.js/v12.22.12'), '12.22.12'],
    ['busybox', blob('BusyBox v1.36.1 (2023-07-27 17:12:24 UTC)'), '1.36.1'],
    ['python3.9', blob('3.9.18', '3.9'), '3.9.18'],
    ['python2.7', blob('2.7.18+'), '2.7.18+'],
    ['libpython3.12.so.1.0', blob('3.12.0rc3'), '3.12.0rc3'],
    ['libpython3.8m.so', blob('3.8.10'), '3.8.10'],
    ['python3.11', blob('13.11.2', 'v3.11.2'), undefined], // must start at a C-string boundary
    ['python3.11', blob('3.10.4'), undefined], // another minor: not this interpreter's version
  ];
  for (const [name, buf, want] of table) {
    it(`${name}: ${want ?? 'nothing'}`, () => {
      const found = classify(name, buf).filter((f) => f !== undefined);
      assert.deepEqual(
        found.map((f) => f.version),
        want === undefined ? [] : [want],
      );
    });
  }
});
