import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { formatCpe } from './cpe.js';

describe('formatCpe', () => {
  // NISTIR 7695 §6.2.2.2: non-alphanumerics other than _ - . are quoted in the formatted string.
  const table: Array<[[string, string, string, string?], string]> = [
    [['openssl', 'openssl', '1.1.1k'], 'cpe:2.3:a:openssl:openssl:1.1.1k:*:*:*:*:*:*:*'],
    [['nodejs', 'node.js', '18.19.0'], 'cpe:2.3:a:nodejs:node.js:18.19.0:*:*:*:*:*:*:*'],
    [['python', 'python', '2.7.18+'], 'cpe:2.3:a:python:python:2.7.18\\+:*:*:*:*:*:*:*'],
    [['oracle', 'jdk', '1.8.0', 'update292'], 'cpe:2.3:a:oracle:jdk:1.8.0:update292:*:*:*:*:*:*'],
    [['golang', 'go', '1.21:3'], 'cpe:2.3:a:golang:go:1.21\\:3:*:*:*:*:*:*:*'],
  ];
  for (const [args, want] of table) {
    it(want, () => assert.equal(formatCpe(...args), want));
  }
});
