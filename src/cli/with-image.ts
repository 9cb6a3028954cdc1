/**
 * Opens an image from the shared image flags, shows progress on a TTY (a Docker export, then the layer
 * reads), runs `fn`, and always releases the image. Used by every command that reads an image.
 */
import { openImage } from '../image/index.js';
import type { Image, ResolveOptions } from '../image/types.js';
import { resolveOptionsFromFlags, type ImageFlags } from './image-options.js';
import { createProgress, type Progress } from './ui/progress.js';

export async function withImage(
  ref: string,
  flags: ImageFlags,
  fn: (img: Image, opts: ResolveOptions, p: Progress) => Promise<void>,
): Promise<void> {
  const opts = resolveOptionsFromFlags(flags);
  const progress = createProgress();
  let exportStarted = false;
  const img = await openImage(ref, {
    ...opts,
    // a docker: reference is exported by the daemon first; show that as its own bar
    onProgress: (e) => {
      if (e.phase !== 'export') return;
      if (!exportStarted) progress.start('exporting from Docker', e.total ?? 0);
      exportStarted = true;
      progress.set(e.done);
    },
  });
  try {
    const total = img.layers.reduce((s, l) => s + Math.max(l.size, 0), 0);
    progress.start('reading layers', total);
    await fn(img, opts, progress);
  } finally {
    progress.stop();
    await img.close();
  }
}
