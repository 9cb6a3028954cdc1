/**
 * Catalogues an image straight from the Docker Engine (the `docker:` image source, then the same
 * catalogers as `corral sbom`), so the agent can push SBOMs of images no CI pipeline pushed.
 */
import { catalogImage } from '../../catalog/run.js';
import { openImage } from '../../image/index.js';
import type { Limits } from '../../image/limits.js';
import type { Sbom } from '../../sbom/model.js';

export interface DaemonCatalogOptions {
  limits: Limits;
  dockerHost?: string;
  signal?: AbortSignal;
  tmpDir?: string;
}

/** The SBOM of the image `imageId` (`sha256:…` or any name the daemon knows) and its repo tags. */
export async function catalogDaemonImage(
  imageId: string,
  opts: DaemonCatalogOptions,
): Promise<{ sbom: Sbom; repoTags: string[] }> {
  const image = await openImage(`docker:${imageId}`, {
    limits: opts.limits,
    ...(opts.dockerHost !== undefined && { dockerHost: opts.dockerHost }),
    ...(opts.signal && { signal: opts.signal }),
    ...(opts.tmpDir !== undefined && { tmpDir: opts.tmpDir }),
  });
  try {
    const sbom = await catalogImage(image, {
      limits: opts.limits,
      ...(opts.signal && { signal: opts.signal }),
      ...(opts.tmpDir !== undefined && { tmpDir: opts.tmpDir }),
    });
    return { sbom, repoTags: image.repoTags.filter((t) => t !== '<none>:<none>') };
  } finally {
    await image.close();
  }
}
