/**
 * CycloneDX 1.6 JSON with `vulnerabilities`: the image's SBOM exactly as `corral sbom -o cyclonedx-json`
 * writes it (src/sbom/cyclonedx-json/encode.ts: same components, bom-refs = `Package.id`, properties),
 * plus one vulnerability entry per vulnerability (vulnerabilities.ts).
 *
 * The SBOM encoder writes to a stream and has no hook for extra top-level arrays, so its output is
 * captured, parsed and written again with `vulnerabilities` appended.
 */
import { Writable } from 'node:stream';
import type { ScanResult } from '../../match/model.js';
import { encodeCycloneDx } from '../../sbom/cyclonedx-json/encode.js';
import { streamed, writeJson } from '../../sbom/json-writer.js';
import type { Sbom } from '../../sbom/model.js';
import type { ReportOptions, ReportWriter } from '../report.js';
import { CORRAL_TOOL } from '../tool.js';
import { cdxVulnerabilities } from './vulnerabilities.js';

class TextSink extends Writable {
  readonly #chunks: Buffer[] = [];

  override _write(chunk: Buffer | string, _enc: BufferEncoding, cb: (err?: Error | null) => void): void {
    this.#chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk));
    cb();
  }

  text(): string {
    return Buffer.concat(this.#chunks).toString('utf8');
  }
}

/** The SBOM plus any finding package it lacks, so that every `affects[].ref` names a component. */
function sbomCoveringFindings(result: ScanResult): Sbom {
  const ids = new Set(result.sbom.packages.map((p) => p.id));
  const missing = new Map(
    result.findings.filter((f) => !ids.has(f.package.id)).map((f) => [f.package.id, f.package]),
  );
  return missing.size === 0
    ? result.sbom
    : { ...result.sbom, packages: [...result.sbom.packages, ...missing.values()] };
}

interface ToolComponent {
  name?: string;
}

/** Names Corral among `metadata.tools` when the SBOM was made by another tool (`corral scan sbom:FILE`). */
function withCorralTool(metadata: unknown): unknown {
  const m = metadata as { tools?: { components?: ToolComponent[] } } | undefined;
  const tools = m?.tools?.components;
  if (m === undefined || tools === undefined || tools.some((t) => t.name === CORRAL_TOOL.name))
    return metadata;
  const corral = { type: 'application', name: CORRAL_TOOL.name, version: CORRAL_TOOL.version };
  return { ...m, tools: { ...m.tools, components: [...tools, corral] } };
}

async function writeCycloneDx(result: ScanResult, out: Writable, _opts: ReportOptions): Promise<void> {
  const sink = new TextSink();
  await encodeCycloneDx(sbomCoveringFindings(result), sink);
  const bom = JSON.parse(sink.text()) as Record<string, unknown> & {
    components?: unknown[];
    dependencies?: unknown[];
  };
  await writeJson(out, {
    ...bom,
    metadata: withCorralTool(bom.metadata),
    components: streamed(bom.components ?? []),
    dependencies: streamed(bom.dependencies ?? []),
    vulnerabilities: streamed(cdxVulnerabilities(result.findings)),
  });
}

export const cyclonedxJson = {
  id: 'cyclonedx-json',
  description: 'CycloneDX 1.6 JSON: the SBOM with vulnerabilities, ratings and VEX analysis',
  contentType: 'application/vnd.cyclonedx+json',
  write: writeCycloneDx,
} satisfies ReportWriter;
