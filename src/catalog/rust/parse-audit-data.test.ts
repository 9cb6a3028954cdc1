import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { deflateSync } from 'node:zlib';
import { MAX_AUDIT_JSON_BYTES, parseAuditData } from './parse-audit-data.js';

const z = (value: unknown): Buffer => deflateSync(typeof value === 'string' ? value : JSON.stringify(value));

describe('parseAuditData', () => {
  it('applies the auditable-serde defaults (kind runtime, no dependencies, not root)', () => {
    // The example of auditable-serde's README, trimmed.
    const data = parseAuditData(
      z({
        packages: [
          { name: 'adler', version: '0.2.3', source: 'crates.io' },
          { name: 'auditable', version: '0.1.0', source: 'local', dependencies: [0, 2], root: true },
          { name: 'cc', version: '1.0.73', source: 'crates.io', kind: 'build' },
        ],
      }),
    );
    assert.deepEqual(data.issues, []);
    assert.deepEqual(data.packages, [
      {
        name: 'adler',
        version: '0.2.3',
        source: 'crates.io',
        kind: 'runtime',
        dependencies: [],
        root: false,
      },
      {
        name: 'auditable',
        version: '0.1.0',
        source: 'local',
        kind: 'runtime',
        dependencies: [0, 2],
        root: true,
      },
      { name: 'cc', version: '1.0.73', source: 'crates.io', kind: 'build', dependencies: [], root: false },
    ]);
  });

  it('accepts the newer "format" field and unknown source kinds', () => {
    const data = parseAuditData(
      z({ format: 1, packages: [{ name: 'x', version: '1.0.0', source: 'sparse' }] }),
    );
    assert.deepEqual(data.issues, []);
    assert.equal(data.packages[0]?.source, 'sparse');
  });

  it('drops bad packages in place and the dependency edges that pointed at them', () => {
    const data = parseAuditData(
      z({
        packages: [
          { name: 'ok', version: '1.0.0', source: 'crates.io', dependencies: [1, 2, 9, 0] },
          { name: '', version: '1.0.0', source: 'crates.io' },
          { name: 'dep', version: '2.0.0', source: 'crates.io', kind: 'dev' },
        ],
      }),
    );
    assert.equal(data.packages.length, 3);
    assert.equal(data.packages[1], undefined);
    assert.equal(data.packages[2], undefined);
    assert.deepEqual(data.packages[0]?.dependencies, []);
    assert.deepEqual(
      data.issues.map((i) => i.code),
      [
        'CATALOG_RUST_AUDIT_DATA_INVALID',
        'CATALOG_RUST_AUDIT_DATA_INVALID',
        'CATALOG_RUST_AUDIT_DATA_INVALID',
      ],
    );
    assert.match(data.issues[2]!.message, /dependency indices 1, 2, 9, 0/);
  });

  // Each row: bytes in the section and the issue code; nothing is returned and nothing throws.
  const broken: Array<[string, Buffer, string]> = [
    ['not zlib', Buffer.from('plain text'), 'CATALOG_RUST_AUDIT_DATA_INVALID'],
    ['empty section', Buffer.alloc(0), 'CATALOG_RUST_AUDIT_DATA_INVALID'],
    ['truncated zlib', z({ packages: [] }).subarray(0, 6), 'CATALOG_RUST_AUDIT_DATA_INVALID'],
    ['not JSON', z('{"packages": ['), 'CATALOG_RUST_AUDIT_DATA_INVALID'],
    ['no packages array', z({ pkgs: [] }), 'CATALOG_RUST_AUDIT_DATA_INVALID'],
    [
      'a compression bomb',
      deflateSync(Buffer.alloc(MAX_AUDIT_JSON_BYTES + 1, 0x20)),
      'CATALOG_RUST_AUDIT_DATA_TOO_LARGE',
    ],
  ];
  for (const [what, bytes, code] of broken) {
    it(`reports ${what}`, () => {
      const data = parseAuditData(bytes);
      assert.deepEqual(data.packages, []);
      assert.deepEqual(
        data.issues.map((i) => i.code),
        [code],
      );
    });
  }
});
