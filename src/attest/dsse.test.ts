import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { test } from 'node:test';
import {
  IN_TOTO_PAYLOAD_TYPE,
  makeStatement,
  pae,
  parseEnvelope,
  signEnvelope,
  verifyEnvelope,
} from './dsse.js';

test('PAE matches the DSSE v1 specification test vector', () => {
  // protocol.md: PAE("http://example.com/HelloWorld", "hello world")
  assert.equal(
    pae('http://example.com/HelloWorld', Buffer.from('hello world')).toString('utf8'),
    'DSSEv1 29 http://example.com/HelloWorld 11 hello world',
  );
  // lengths are byte lengths, not character counts
  assert.equal(pae('t', Buffer.from('é', 'utf8')).toString('utf8'), 'DSSEv1 1 t 2 é');
  assert.equal(pae('', Buffer.alloc(0)).toString('utf8'), 'DSSEv1 0  0 ');
});

test('envelope signs over the PAE and detects a modified payload or type', () => {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const stmt = makeStatement({ name: 'r/app', digest: { sha256: 'ab' } }, 'https://example/p', { a: 1 });
  assert.deepEqual(Object.keys(stmt), ['_type', 'subject', 'predicateType', 'predicate']);
  assert.equal(stmt._type, 'https://in-toto.io/Statement/v1');
  const env = signEnvelope(Buffer.from(JSON.stringify(stmt)), IN_TOTO_PAYLOAD_TYPE, privateKey);
  assert.deepEqual(Object.keys(env), ['payloadType', 'payload', 'signatures']);
  assert.ok(verifyEnvelope(env, publicKey));
  const parsed = parseEnvelope(Buffer.from(JSON.stringify(env)));
  assert.ok(typeof parsed !== 'string');
  assert.ok(verifyEnvelope(parsed, publicKey));
  assert.equal(verifyEnvelope({ ...env, payloadType: 'text/plain' }, publicKey), false);
  const tampered = Buffer.from(JSON.stringify({ ...stmt, predicate: { a: 2 } })).toString('base64');
  assert.equal(verifyEnvelope({ ...env, payload: tampered }, publicKey), false);
  const other = generateKeyPairSync('ec', { namedCurve: 'P-256' }).publicKey;
  assert.equal(verifyEnvelope(env, other), false);
  assert.equal(parseEnvelope(Buffer.from('[]')), 'envelope lacks a string "payloadType"');
  assert.equal(parseEnvelope(Buffer.from('{')), 'envelope is not JSON');
});
