/**
 * Public surface of image/: open an image from any reference, then read its squashed file view.
 *
 * @example
 * const image = await openImage('oci-layout:./out:v1', { limits: defaultLimits() });
 * const { view } = await squashImage(image, { limits, wants: (p) => p === '/etc/os-release' });
 * const osRelease = await view.readFile('/etc/os-release');
 * await view.close(); await image.close();
 */
import { parseImageRef } from './ref.js';
import { sourceFor } from './sources.js';
import type { Image, ResolveOptions } from './types.js';

export async function openImage(ref: string, opts: ResolveOptions): Promise<Image> {
  const parsed = parseImageRef(ref);
  return sourceFor(parsed.kind).resolve(parsed.location, opts, parsed.selector);
}

export { parseImageRef, type ParsedRef } from './ref.js';
export { squashImage, type SquashOptions, type SquashResult } from './squash.js';
export { FileView, type FileRef, type ImageWarning } from './file-view.js';
export { defaultLimits, Limits, parseSize } from './limits.js';
export { walkLayer, type TarEntry, type LayerWalkStats } from './layer/walker.js';
export type * from './types.js';
