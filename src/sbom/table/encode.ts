/**
 * The human table: TYPE NAME VERSION LAYER, sorted; or, with `groupByLayer`, one block per layer headed
 * by its digest and `created_by` line, listing the packages that layer introduced.
 */
import { once } from 'node:events';
import type { Writable } from 'node:stream';
import type { Package } from '../../catalog/model.js';
import type { EncodeOptions } from '../format.js';
import type { Sbom, SbomLayer } from '../model.js';
import { sortedPackages } from '../ordering.js';
import { introducedInLayer } from '../package-layer.js';

const GAP = '  ';
const SHORT_DIGEST_HEX = 12;
const NO_LAYER = '-';

const bold = (on: boolean, s: string): string => (on ? `\u001b[1m${s}\u001b[0m` : s);

/** Aligned columns; the header row is made bold when `color`. */
function columns(rows: readonly string[][], indent: string, color: boolean): string[] {
  const widths: number[] = [];
  for (const r of rows) r.forEach((cell, i) => (widths[i] = Math.max(widths[i] ?? 0, cell.length)));
  return rows.map((r, n) => {
    const line = r.map((cell, i) => (i === r.length - 1 ? cell : cell.padEnd(widths[i]!))).join(GAP);
    return indent + (n === 0 ? bold(color, line) : line);
  });
}

const layerText = (p: Package): string => String(introducedInLayer(p) ?? NO_LAYER);

function flatTable(sbom: Sbom, color: boolean): string[] {
  const pkgs = sortedPackages(sbom);
  if (pkgs.length === 0) return ['(no packages found)'];
  return columns(
    [['TYPE', 'NAME', 'VERSION', 'LAYER'], ...pkgs.map((p) => [p.type, p.name, p.version, layerText(p)])],
    '',
    color,
  );
}

function layerHeading(l: SbomLayer, count: number, color: boolean): string[] {
  const digest = l.digest.replace(/^sha256:/, '').slice(0, SHORT_DIGEST_HEX);
  const head = bold(color, `LAYER ${l.index}`);
  const lines = [`${head}  ${digest}  ${count} package${count === 1 ? '' : 's'}`];
  if (l.createdBy !== undefined) lines.push(`  created_by: ${l.createdBy.replace(/\s+/g, ' ').trim()}`);
  return lines;
}

function groupedTable(sbom: Sbom, color: boolean): string[] {
  const byLayer = new Map<number | undefined, Package[]>();
  for (const p of sortedPackages(sbom)) {
    const k = introducedInLayer(p);
    const list = byLayer.get(k);
    if (list) list.push(p);
    else byLayer.set(k, [p]);
  }
  const blocks: string[][] = [];
  const rowsOf = (pkgs: readonly Package[]): string[] =>
    pkgs.length === 0
      ? ['  (no packages)']
      : columns([['TYPE', 'NAME', 'VERSION'], ...pkgs.map((p) => [p.type, p.name, p.version])], '  ', color);
  for (const l of [...sbom.image.layers].sort((a, b) => a.index - b.index)) {
    const pkgs = byLayer.get(l.index) ?? [];
    byLayer.delete(l.index);
    blocks.push([...layerHeading(l, pkgs.length, color), ...rowsOf(pkgs)]);
  }
  const rest = [...byLayer.values()].flat();
  if (rest.length > 0) blocks.push([bold(color, 'LAYER UNKNOWN'), ...rowsOf(rest)]);
  return blocks.flatMap((b, i) => (i === 0 ? b : ['', ...b]));
}

export async function encodeTable(sbom: Sbom, out: Writable, opts: EncodeOptions = {}): Promise<void> {
  const color = opts.color === true;
  const lines = opts.groupByLayer === true ? groupedTable(sbom, color) : flatTable(sbom, color);
  if (!out.write(`${lines.join('\n')}\n`)) await once(out, 'drain');
}
