import assert from 'node:assert/strict';
import { test } from 'node:test';
import { EventBuffer } from './event-buffer.js';
import { parseEventLine } from './engine.js';
import { eventTime, isoTime, toContainerReport, toSimpleEvent } from './report.js';

const ID = 'a'.repeat(64);
const IMG = `sha256:${'b'.repeat(64)}`;

test('toContainerReport maps inspect output, compose labels and repo digests', () => {
  const r = toContainerReport(
    {
      Id: ID,
      Name: '/shop-web-1',
      Image: IMG,
      State: { Running: true, StartedAt: '2026-11-29T10:00:05.123456789Z' },
      Config: {
        Image: 'shop/web:1.2',
        Labels: { 'com.docker.compose.project': 'shop', 'com.docker.compose.service': 'web', team: 'a' },
      },
    },
    { Id: IMG, RepoDigests: [`shop/web@sha256:${'c'.repeat(64)}`] },
  );
  assert.deepEqual(r, {
    containerId: ID,
    name: 'shop-web-1',
    imageDigest: IMG,
    repoDigests: [`shop/web@sha256:${'c'.repeat(64)}`],
    imageRef: 'shop/web:1.2',
    labels: { 'com.docker.compose.project': 'shop', 'com.docker.compose.service': 'web', team: 'a' },
    composeProject: 'shop',
    composeService: 'web',
    startedAt: '2026-11-29T10:00:05.123Z',
  });
});

test('toContainerReport leaves out what the daemon does not know', () => {
  const r = toContainerReport({
    Id: ID,
    Image: IMG,
    State: { StartedAt: '0001-01-01T00:00:00Z' },
    Config: { Labels: null },
  });
  assert.deepEqual(r, { containerId: ID, name: ID.slice(0, 12), imageDigest: IMG, labels: {} });
  assert.equal(isoTime('not a time'), undefined);
});

test('toSimpleEvent maps die, destroy and rename, and ignores the rest', () => {
  const now = new Date('2026-01-01T00:00:00Z');
  const t = 1_764_400_000_123_456_000;
  assert.deepEqual(toSimpleEvent({ Type: 'container', Action: 'die', Actor: { ID }, timeNano: t }, now), {
    type: 'die',
    container: { containerId: ID },
    at: new Date(t / 1e6).toISOString(),
  });
  assert.deepEqual(
    toSimpleEvent(
      { Action: 'rename', Actor: { ID, Attributes: { name: '/new', oldName: '/old' } }, time: 10 },
      now,
    ),
    { type: 'rename', container: { containerId: ID, name: 'new' }, at: '1970-01-01T00:00:10.000Z' },
  );
  assert.equal(toSimpleEvent({ Action: 'rename', Actor: { ID, Attributes: {} } }, now), undefined);
  assert.equal(toSimpleEvent({ Action: 'exec_start', Actor: { ID } }, now), undefined);
  assert.equal(toSimpleEvent({ Type: 'image', Action: 'destroy', Actor: { ID } }, now), undefined);
  assert.equal(toSimpleEvent({ Action: 'die', Actor: {} }, now), undefined);
  assert.equal(eventTime({}, now), now.toISOString());
});

test('parseEventLine accepts JSON objects only', () => {
  assert.deepEqual(parseEventLine('{"Action":"die"}'), { Action: 'die' });
  assert.equal(parseEventLine('[1]'), undefined);
  assert.equal(parseEventLine('{"Action":'), undefined);
  assert.equal(parseEventLine(''), undefined);
});

test('EventBuffer keeps the newest events and counts what it drops', () => {
  const b = new EventBuffer(3);
  for (let i = 0; i < 5; i++) b.push({ type: 'die', container: { containerId: String(i) }, at: 'x' });
  assert.equal(b.size, 3);
  assert.deepEqual(
    b.peek(10).map((e) => e.container.containerId),
    ['2', '3', '4'],
  );
  assert.equal(b.takeDropped(), 2);
  assert.equal(b.takeDropped(), 0);
  b.drop(2);
  assert.deepEqual(
    b.peek(10).map((e) => e.container.containerId),
    ['4'],
  );
  assert.throws(() => new EventBuffer(0));
});

test('EventBuffer stays correct across compactions', () => {
  const b = new EventBuffer(10_000);
  for (let i = 0; i < 25_000; i++) b.push({ type: 'die', container: { containerId: String(i) }, at: 'x' });
  assert.equal(b.size, 10_000);
  assert.equal(b.takeDropped(), 15_000);
  b.drop(9_999);
  assert.deepEqual(
    b.peek(5).map((e) => e.container.containerId),
    ['24999'],
  );
});
