/**
 * The report plugin interface (CONVENTIONS.md §2.2): one object per format folder under `report/`,
 * listed in registry.ts. A writer turns one {@link ScanResult} into one document on a `Writable`.
 */
import type { Writable } from 'node:stream';
import type { ScanResult } from '../match/model.js';
import type { SeverityLevel } from '../vulndb/model.js';

/** The `-o` names of `corral scan`; the same names `corral sbom` uses where they overlap. */
export type ReportId = 'table' | 'json' | 'sarif' | 'junit' | 'cyclonedx-json' | 'gitlab' | 'markdown';

export interface ReportOptions {
  /** ANSI colours: true only when writing to a TTY (see cli/ui/output.ts `useColor`); files never get them. */
  color: boolean;
  /**
   * The `--fail-on` threshold. Formats that carry a pass/fail notion use it: JUnit fails the test cases
   * at or above it (every finding fails when unset), Markdown states the gate result. Others ignore it.
   */
  failOn?: SeverityLevel;
}

export interface ReportWriter {
  /** Stable: the `-o` value. */
  readonly id: ReportId;
  /** One line for `--help`. */
  readonly description: string;
  /** The media type of the output (`application/sarif+json`, `text/plain`…). */
  readonly contentType: string;
  /**
   * Writes the report of `result` to `out` and resolves when it has been handed to the stream (does not
   * end `out`: the caller owns it, stdout must stay open). Output is deterministic for a given result:
   * findings are sorted and nothing depends on the clock, except document ids a format requires to be
   * unique (CycloneDX `serialNumber`).
   */
  write(result: ScanResult, out: Writable, opts: ReportOptions): Promise<void>;
}
