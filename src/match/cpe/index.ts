/**
 * `binary` packages (executables recognised by their embedded version string) through NVD CPE rows:
 * each of the package's CPEs gives `vendor:product`, looked up in the `cpe` ecosystem.
 *
 * NVD version bounds follow no single scheme; they are compared with Maven's ComparableVersion, which
 * orders any dotted/alphanumeric string sensibly (`1.1.1n` < `1.1.1o` < `3.0.0`), as grype's "fuzzy"
 * comparator does. A CPE with a fixed version of its own is ignored in favour of the package version.
 */
import type { Package } from '../../catalog/model.js';
import { parseCpe23, unescapeCpe } from '../../vulndb/feeds/nvd/cpe.js';
import { maven } from '../../versioning/maven/index.js';
import { evaluateRows } from '../evaluate-rows.js';
import type { Matcher } from '../matcher.js';

const CPE_ECOSYSTEM = 'cpe';

/** Distinct `vendor:product` keys of the package's CPEs. */
export function cpeProducts(pkg: Pick<Package, 'cpes'>): string[] {
  const keys = pkg.cpes.flatMap((text) => {
    const cpe = parseCpe23(text);
    return cpe === undefined ? [] : [`${unescapeCpe(cpe.vendor)}:${unescapeCpe(cpe.product)}`];
  });
  return [...new Set(keys)];
}

export const cpeBinary = {
  id: 'cpe',
  packageTypes: ['binary'],
  match(pkg, store) {
    const rows = cpeProducts(pkg).flatMap((key) => store.affected(CPE_ECOSYSTEM, key));
    return evaluateRows(pkg, maven, rows, { distro: false, ecosystem: () => CPE_ECOSYSTEM });
  },
} satisfies Matcher;
