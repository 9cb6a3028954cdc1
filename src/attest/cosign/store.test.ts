import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isAppError } from '../../errors.js';
import { openTarget } from './store.js';

test('non-registry references are refused before any network access', async () => {
  for (const ref of ['oci-layout:./out', 'docker-archive:img.tar', 'docker:app:1', 'dir:/rootfs']) {
    await assert.rejects(
      openTarget(ref),
      (e: unknown) => isAppError(e, 'IMAGE_REF_INVALID') && /is not a registry reference/.test(e.message),
      ref,
    );
  }
  await assert.rejects(openTarget('Bad Ref!'), (e: unknown) => isAppError(e, 'IMAGE_REF_INVALID'));
});
