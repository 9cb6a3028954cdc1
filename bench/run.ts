/**
 * `npm run bench`: runs every benchmark and prints ratios against floors measured in the same run.
 * Exit status 1 when a target is missed. `npm run bench -- image-read` runs one.
 */
import { reportImageRead, runImageReadBench } from './image-read.js';
import { runInventoryBench } from './inventory.js';
import { runScanBench } from './scan.js';
import { runSbomBench } from './sbom.js';

type Bench = { id: string; run: () => Promise<boolean> };

const BENCHES: Bench[] = [
  { id: 'image-read', run: async () => reportImageRead(await runImageReadBench()) },
  { id: 'sbom', run: runSbomBench },
  { id: 'scan', run: runScanBench },
  { id: 'inventory', run: runInventoryBench },
];

async function loadOptional(): Promise<void> {
  // The vulndb bench lives in its own module; it is optional until that module exists.
  try {
    const mod = (await import('./vulndb.js')) as { runVulndbBench?: () => Promise<boolean | void> };
    if (mod.runVulndbBench)
      BENCHES.push({ id: 'vulndb', run: async () => (await mod.runVulndbBench!()) !== false });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ERR_MODULE_NOT_FOUND') throw err;
  }
}

await loadOptional();
const only = process.argv.slice(2);
let ok = true;
for (const b of BENCHES) {
  if (only.length > 0 && !only.includes(b.id)) continue;
  ok = (await b.run()) && ok;
}
process.exitCode = ok ? 0 : 1;
