/**
 * Load generator for the inventory end-to-end tests, run as its OWN process (`node --import tsx
 * test/e2e/inventory-load.ts PLAN.json`): pushes one real SBOM under many image digests to one or more
 * servers, `concurrency` requests in flight, and prints one JSON line per finished push
 * (`{"i","digest","server","status","created"?,"error"?}`) as soon as its answer arrives, so a caller
 * that kills a server mid-run knows exactly which pushes were acknowledged.
 */
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import type { Sbom } from '../../src/sbom/model.js';

export interface LoadPlan {
  servers: string[];
  token: string;
  /** A Corral SBOM (JSON) to push under each digest. */
  sbomFile: string;
  /** One entry per push, in order; a digest may repeat (duplicates). Push i goes to servers[i % n]. */
  digests: string[];
  concurrency: number;
  /** Per-request timeout. */
  timeoutMs?: number;
}

export interface LoadResult {
  i: number;
  digest: string;
  server: string;
  status: number;
  created?: boolean;
  error?: string;
}

/** Each pushed image gets its own config digest, derived from its manifest digest. */
export function configDigestFor(digest: string): string {
  return `sha256:${createHash('sha256').update(`${digest}:config`).digest('hex')}`;
}

async function main(): Promise<void> {
  const plan = JSON.parse(await readFile(process.argv[2]!, 'utf8')) as LoadPlan;
  const base = JSON.parse(await readFile(plan.sbomFile, 'utf8')) as Sbom;
  let next = 0;
  const worker = async (): Promise<void> => {
    for (;;) {
      const i = next++;
      if (i >= plan.digests.length) return;
      const digest = plan.digests[i]!;
      const server = plan.servers[i % plan.servers.length]!;
      const sbom: Sbom = { ...base, image: { ...base.image, digest, configDigest: configDigestFor(digest) } };
      const result: LoadResult = { i, digest, server, status: 0 };
      try {
        const res = await fetch(`${server}/api/v1/images`, {
          method: 'POST',
          headers: { authorization: `Bearer ${plan.token}`, 'content-type': 'application/json' },
          body: JSON.stringify({ sbom, repoTags: [`load.example/app:${i}`] }),
          signal: AbortSignal.timeout(plan.timeoutMs ?? 120_000),
        });
        result.status = res.status;
        const text = await res.text();
        if (res.ok) result.created = (JSON.parse(text) as { created: boolean }).created;
        else result.error = text.slice(0, 300);
      } catch (err) {
        result.error = err instanceof Error ? err.message : String(err);
      }
      process.stdout.write(`${JSON.stringify(result)}\n`);
    }
  };
  await Promise.all(Array.from({ length: plan.concurrency }, worker));
}

if (process.argv[1] !== undefined && import.meta.filename === process.argv[1]) await main();
