/**
 * Maps config `history` to layers. History entries with `empty_layer: true` (ENV, LABEL, CMD…) produce no
 * layer; the others correspond, in order, to `rootfs.diff_ids`. ref. image-spec config.md "history".
 */
import type { HistoryEntry, Layer } from './types.js';

/**
 * Sets `createdBy`/`created`/`comment` on each layer and returns the history entries without a layer.
 * When history and layers disagree in count (hand-made images), the surplus is left unmapped.
 */
export function attachHistory(layers: Layer[], history: readonly HistoryEntry[]): HistoryEntry[] {
  const empty: HistoryEntry[] = [];
  let i = 0;
  for (const h of history) {
    if (h.empty_layer === true) {
      empty.push(h);
      continue;
    }
    const layer = layers[i++];
    if (!layer) continue;
    if (h.created_by !== undefined) layer.createdBy = h.created_by;
    if (h.created !== undefined) layer.created = h.created;
    if (h.comment !== undefined) layer.comment = h.comment;
  }
  return empty;
}
