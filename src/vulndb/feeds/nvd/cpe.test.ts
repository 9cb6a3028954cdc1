import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isAnyCpeValue, parseCpe23, unescapeCpe } from './cpe.js';

// Criteria strings as they appear in NVD CVE API 2.0 records.
const VALID: [string, { vendor: string; product: string; version: string; update: string; part: string }][] =
  [
    [
      'cpe:2.3:a:apache:log4j:*:*:*:*:*:*:*:*',
      { part: 'a', vendor: 'apache', product: 'log4j', version: '*', update: '*' },
    ],
    [
      'cpe:2.3:a:apache:log4j:2.0:beta9:*:*:*:*:*:*',
      { part: 'a', vendor: 'apache', product: 'log4j', version: '2.0', update: 'beta9' },
    ],
    [
      'cpe:2.3:o:cisco:ios:15.2\\(4\\)m:*:*:*:*:*:*:*',
      { part: 'o', vendor: 'cisco', product: 'ios', version: '15.2\\(4\\)m', update: '*' },
    ],
    [
      'cpe:2.3:h:siemens:sppa-t3000_ses3000:-:*:*:*:*:*:*:*',
      { part: 'h', vendor: 'siemens', product: 'sppa-t3000_ses3000', version: '-', update: '*' },
    ],
    [
      'cpe:2.3:a:jenkins:pipeline\\:_groovy:*:*:*:*:*:jenkins:*:*',
      { part: 'a', vendor: 'jenkins', product: 'pipeline\\:_groovy', version: '*', update: '*' },
    ],
    [
      'cpe:2.3:a:nodejs:node.js:18.0.0:*:*:*:-:*:*:*',
      { part: 'a', vendor: 'nodejs', product: 'node.js', version: '18.0.0', update: '*' },
    ],
  ];

const INVALID = [
  'cpe:/a:apache:log4j:2.14.1',
  'cpe:2.3:a:apache:log4j:*:*:*:*:*:*:*',
  'cpe:2.3:a:apache:log4j:*:*:*:*:*:*:*:*:*',
  'cpe:2.3:x:apache:log4j:*:*:*:*:*:*:*:*',
  'cpe:2.3:a:*:log4j:*:*:*:*:*:*:*:*',
  'cpe:2.3:a:apache::*:*:*:*:*:*:*:*',
  '',
];

describe('parseCpe23', () => {
  for (const [text, want] of VALID) {
    it(text, () => {
      const cpe = parseCpe23(text);
      assert.deepEqual(
        cpe && {
          part: cpe.part,
          vendor: cpe.vendor,
          product: cpe.product,
          version: cpe.version,
          update: cpe.update,
        },
        want,
      );
    });
  }
  for (const text of INVALID)
    it(`rejects ${JSON.stringify(text)}`, () => assert.equal(parseCpe23(text), undefined));
  it('unescapes values and knows ANY/NA', () => {
    assert.equal(unescapeCpe('15.2\\(4\\)m'), '15.2(4)m');
    assert.equal(unescapeCpe('pipeline\\:_groovy'), 'pipeline:_groovy');
    assert.equal(isAnyCpeValue('*'), true);
    assert.equal(isAnyCpeValue('-'), true);
    assert.equal(isAnyCpeValue('1.0'), false);
  });
});
