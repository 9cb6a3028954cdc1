/**
 * The RPM-distro, Ubuntu and CPE (binary) matchers end to end on REAL vulndbs built from fixture feed
 * excerpts (testdata/{rpm-el9,ubuntu-jammy,nvd-binary}/fixture.yaml say what each record is for).
 */
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Package } from '../catalog/model.js';
import type { Sbom } from '../sbom/model.js';
import { openVulnStore, type VulnStore } from '../vulndb/store.js';
import { buildFixtureDb } from '../../test/support/fixture-vulndb.js';
import { testSbom } from '../../test/support/test-sbom.js';
import type { Finding, ScanResult } from './model.js';
import { matchSbom } from './run.js';

const TESTDATA = join(import.meta.dirname, 'testdata');

function pkg(p: Pick<Package, 'name' | 'version' | 'type' | 'purl'> & Partial<Package>): Package {
  return {
    id: `p-${p.name}-${p.version}`,
    licenses: [],
    cpes: [],
    foundBy: 'test',
    locations: [{ path: '/somewhere', layerIndex: 0 }],
    ...p,
  };
}

function sbomOf(packages: Package[], distro?: Sbom['distro']): Sbom {
  return testSbom(packages, distro === undefined ? {} : { distro });
}

const ids = (r: ScanResult): string[] =>
  r.findings.map((f) => `${f.vulnerability.id} ${f.package.name}`).sort();
const find = (r: ScanResult, id: string): Finding | undefined =>
  r.findings.find((f) => f.vulnerability.id === id);

let dir: string;
let store: VulnStore;

before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'corral-match-distros-'));
  const db = await buildFixtureDb(dir, [
    join(TESTDATA, 'rpm-el9'),
    join(TESTDATA, 'ubuntu-jammy'),
    join(TESTDATA, 'nvd-binary'),
  ]);
  store = openVulnStore(db);
});
after(async () => {
  store.close();
  await rm(dir, { recursive: true, force: true });
});

describe('rpm-distro matcher (AlmaLinux, Rocky Linux, Red Hat via OSV)', () => {
  const sshd = (distro: string, version = '8.7p1-38.el9'): Package =>
    pkg({
      name: 'openssh-server',
      version,
      type: 'rpm',
      purl: `pkg:rpm/${distro.split('-')[0]}/openssh-server@${version}?arch=x86_64&upstream=openssh-${version}.src.rpm&distro=${distro}`,
      source: { name: `openssh-${version}.src.rpm`, version },
    });

  // Rocky/Alma records name their CVEs in OSV `related` (not `aliases`: one advisory may fix several
  // CVEs), so the finding keeps the advisory id; Red Hat's `upstream` CVE merges.
  it('matches Rocky Linux 9 through the source rpm name', async () => {
    const r = await matchSbom(sbomOf([sshd('rocky-9.3')], { id: 'rocky', versionId: '9.3' }), store);
    assert.deepEqual(ids(r), ['RLSA-2024:4312 openssh-server']);
    const f = find(r, 'RLSA-2024:4312')!;
    assert.equal(f.fixState, 'fixed');
    assert.equal(f.fixedIn, '8.7p1-38.el9_4.1');
    assert.equal(f.matchedBy.matcher, 'rpm-distro');
    assert.equal(f.matchedBy.package, 'openssh');
  });

  it('matches AlmaLinux 9 rows for an AlmaLinux package', async () => {
    const r = await matchSbom(sbomOf([sshd('almalinux-9.4')], { id: 'almalinux', versionId: '9.4' }), store);
    assert.deepEqual(ids(r), ['ALSA-2024:4312 openssh-server']);
    const f = find(r, 'ALSA-2024:4312')!;
    assert.equal(f.fixedIn, '8.7p1-38.el9_4.1');
    assert.match(f.matchedBy.ecosystem, /^AlmaLinux:9/);
  });

  it('matches Red Hat CPE-like releases by major version; an epoch-0 fix equals no epoch', async () => {
    const vulnerable = await matchSbom(sbomOf([sshd('rhel-9.4')], { id: 'rhel', versionId: '9.4' }), store);
    assert.deepEqual(ids(vulnerable), ['CVE-2024-6387 openssh-server']);
    const f = find(vulnerable, 'CVE-2024-6387')!;
    assert.equal(f.fixedIn, '0:8.7p1-38.el9_4.1');
    // one alias group: the CVE with Red Hat's and Ubuntu's records of it
    assert.deepEqual(f.vulnerability.aliases, ['RHSA-2024:4312', 'UBUNTU-CVE-2024-6387']);
    const patched = await matchSbom(
      sbomOf([sshd('rhel-9.4', '8.7p1-38.el9_4.1')], { id: 'rhel', versionId: '9.4' }),
      store,
    );
    assert.deepEqual(ids(patched), []);
  });

  it('reports nothing at or above the fixed version, and nothing from another major release', async () => {
    const patched = await matchSbom(
      sbomOf([sshd('rocky-9.3', '8.7p1-38.el9_4.1')], { id: 'rocky', versionId: '9.3' }),
      store,
    );
    assert.deepEqual(ids(patched), []);
    const r9 = await matchSbom(sbomOf([sshd('rocky-9.3')], { id: 'rocky', versionId: '9.3' }), store);
    assert.equal(find(r9, 'RLSA-2023:7000'), undefined);
    const el8 = pkg({
      name: 'openssh',
      version: '8.0p1-19.el8_9.1',
      type: 'rpm',
      purl: 'pkg:rpm/rocky/openssh@8.0p1-19.el8_9.1?arch=x86_64&distro=rocky-8.9',
    });
    const r8 = await matchSbom(sbomOf([el8], { id: 'rocky', versionId: '8.9' }), store);
    assert.deepEqual(ids(r8), ['RLSA-2023:7000 openssh']);
  });

  it('does not match a distro without an OSV ecosystem (e.g. Fedora)', async () => {
    const r = await matchSbom(sbomOf([sshd('fedora-40')], { id: 'fedora', versionId: '40' }), store);
    assert.deepEqual(ids(r), []);
  });
});

describe('dpkg matcher on Ubuntu (OSV Ubuntu export)', () => {
  const client = (version: string): Package =>
    pkg({
      name: 'openssh-client',
      version,
      type: 'deb',
      purl: `pkg:deb/ubuntu/openssh-client@${version}?arch=amd64&distro=ubuntu-22.04`,
      source: { name: 'openssh', version },
    });
  const jammy = { id: 'ubuntu', versionId: '22.04', codename: 'jammy' };

  it('matches Ubuntu:22.04:LTS rows by version number and source package, with the Ubuntu priority', async () => {
    const r = await matchSbom(sbomOf([client('1:8.9p1-3ubuntu0.6')], jammy), store);
    assert.deepEqual(ids(r), ['CVE-2024-6387 openssh-client']);
    const f = find(r, 'CVE-2024-6387')!;
    assert.equal(f.fixState, 'fixed');
    assert.equal(f.fixedIn, '1:8.9p1-3ubuntu0.10');
    assert.equal(f.severity, 'high');
    assert.equal(f.matchedBy.matcher, 'dpkg-distro');
  });

  it('compares with the dpkg scheme (epoch, ubuntuN suffixes): the fixed version is not affected', async () => {
    assert.deepEqual(ids(await matchSbom(sbomOf([client('1:8.9p1-3ubuntu0.10')], jammy), store)), []);
    assert.deepEqual(ids(await matchSbom(sbomOf([client('1:9.6p1-3ubuntu13')], jammy), store)), []);
  });

  it('does not apply rows of other Ubuntu releases (Pro 18.04 rows are not queried)', async () => {
    const bionic = { id: 'ubuntu', versionId: '18.04', codename: 'bionic' };
    const r = await matchSbom(sbomOf([client('1:7.6p1-4ubuntu0.7')], bionic), store);
    assert.deepEqual(ids(r), []);
  });
});

describe('cpe matcher (binary packages through NVD configurations)', () => {
  const openssl = (version: string): Package =>
    pkg({
      name: 'openssl',
      version,
      type: 'binary',
      purl: `pkg:generic/openssl@${version}`,
      cpes: [`cpe:2.3:a:openssl:openssl:${version}:*:*:*:*:*:*:*`],
    });

  it('matches the version window that contains the version; fixed-in comes from versionEndExcluding', async () => {
    const r = await matchSbom(sbomOf([openssl('1.1.1k')]), store);
    assert.deepEqual(ids(r), ['CVE-2021-3711 openssl', 'CVE-2022-0778 openssl']);
    const f = find(r, 'CVE-2022-0778')!;
    assert.equal(f.matchedBy.matcher, 'cpe');
    assert.equal(f.fixedIn, '1.1.1n');
    assert.equal(f.severity, 'high');
    assert.equal(f.cvssScore, 7.5);
    const noFix = find(r, 'CVE-2021-3711')!;
    assert.equal(noFix.fixedIn, undefined);
    assert.equal(noFix.severity, 'unknown');
  });

  it('orders letter suffixes (1.1.1n is fixed, 1.0.2zc is affected) and respects window starts', async () => {
    assert.deepEqual(ids(await matchSbom(sbomOf([openssl('1.1.1n')]), store)), []);
    assert.deepEqual(ids(await matchSbom(sbomOf([openssl('1.0.2zc')]), store)), ['CVE-2022-0778 openssl']);
    assert.equal(find(await matchSbom(sbomOf([openssl('3.0.1')]), store), 'CVE-2022-0778')?.fixedIn, '3.0.2');
    assert.deepEqual(ids(await matchSbom(sbomOf([openssl('3.0.2')]), store)), []);
    assert.deepEqual(ids(await matchSbom(sbomOf([openssl('0.9.8')]), store)), []);
  });

  it('ignores binary packages without a CPE', async () => {
    const bare = { ...openssl('1.1.1k'), cpes: [] };
    assert.deepEqual(ids(await matchSbom(sbomOf([bare]), store)), []);
  });
});
