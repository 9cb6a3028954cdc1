import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { cvss2BaseScore, cvss3BaseScore, levelFromScore, levelFromText } from './cvss.js';

// Expected scores from the NVD calculator / the CVE records named (https://nvd.nist.gov/vuln-metrics/cvss).
const V3_CASES: [string, number | undefined][] = [
  ['CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H', 9.8], // CVE-2021-44228 (NVD)
  ['CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:C/C:H/I:H/A:H', 10.0], // CVE-2021-44228 (Apache CNA)
  ['CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:N/A:N', 7.5], // CVE-2014-0160
  ['CVSS:3.1/AV:N/AC:L/PR:N/UI:R/S:C/C:L/I:L/A:N', 6.1], // typical reflected XSS
  ['CVSS:3.1/AV:L/AC:L/PR:L/UI:N/S:U/C:H/I:H/A:H', 7.8], // CVE-2021-4034 (pkexec)
  ['CVSS:3.0/AV:N/AC:H/PR:N/UI:N/S:U/C:H/I:N/A:N', 5.9],
  ['CVSS:3.1/AV:P/AC:H/PR:H/UI:R/S:U/C:N/I:N/A:N', 0],
  ['CVSS:3.1/AV:N/AC:L/PR:L/UI:N/S:C/C:L/I:N/A:N', 5.0], // Roundup edge
  ['CVSS:3.1/AV:N/AC:L', undefined],
  ['CVSS:2.0/AV:N', undefined],
  ['AV:N/AC:L/Au:N/C:P/I:P/A:P', undefined],
];

const V2_CASES: [string, number | undefined][] = [
  ['AV:N/AC:L/Au:N/C:P/I:P/A:P', 7.5],
  ['AV:N/AC:L/Au:N/C:P/I:N/A:N', 5.0], // CVE-2014-0160
  ['AV:N/AC:L/Au:N/C:C/I:C/A:C', 10.0],
  ['(AV:L/AC:M/Au:N/C:N/I:N/A:P)', 1.9],
  ['AV:N/AC:M/Au:N/C:P/I:P/A:P', 6.8],
  ['AV:X/AC:L/Au:N/C:P/I:P/A:P', undefined],
];

describe('cvss', () => {
  for (const [vector, want] of V3_CASES) it(`v3 ${vector}`, () => assert.equal(cvss3BaseScore(vector), want));
  for (const [vector, want] of V2_CASES) it(`v2 ${vector}`, () => assert.equal(cvss2BaseScore(vector), want));
  it('levels', () => {
    assert.equal(levelFromScore(9.8, 3), 'critical');
    assert.equal(levelFromScore(7.5, 2), 'high');
    assert.equal(levelFromScore(0, 3), 'negligible');
    assert.equal(levelFromText('MODERATE'), 'medium');
    assert.equal(levelFromText('whatever'), 'unknown');
  });
});
