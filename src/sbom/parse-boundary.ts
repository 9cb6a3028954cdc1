/**
 * zod at the boundary of SBOM decoding (CONVENTIONS.md §2.4): the document's skeleton must be valid
 * (else `SBOM_INVALID` listing every bad path), while bad elements inside collections are dropped and
 * reported as Unknowns (renovate `LooseArray`).
 */
import { z } from 'zod';
import type { Unknown } from '../catalog/model.js';
import { AppError } from '../errors.js';

const MAX_LISTED_ISSUES = 10;

function describeIssues(error: z.ZodError, prefix: string): string {
  const lines = error.issues.map(
    (i) => `${[prefix, ...i.path].filter((x) => x !== '').join('.') || '(root)'}: ${i.message}`,
  );
  const more = lines.length > MAX_LISTED_ISSUES ? `; and ${lines.length - MAX_LISTED_ISSUES} more` : '';
  return lines.slice(0, MAX_LISTED_ISSUES).join('; ') + more;
}

/** Parses the document skeleton or throws `SBOM_INVALID` naming every failing path. */
export function parseDocument<T extends z.ZodTypeAny>(schema: T, doc: unknown, format: string): z.output<T> {
  const r = schema.safeParse(doc);
  if (r.success) return r.data as z.output<T>;
  throw new AppError('SBOM_INVALID', `not a valid ${format} document: ${describeIssues(r.error, '')}`, {
    hint: `check that the file is ${format} JSON as written by a standard tool`,
  });
}

/** Parses one element of a collection; a bad one becomes an Unknown at `where` and yields undefined. */
export function parseElement<T extends z.ZodTypeAny>(
  schema: T,
  value: unknown,
  where: string,
  unknowns: Unknown[],
): z.output<T> | undefined {
  const r = schema.safeParse(value);
  if (r.success) return r.data as z.output<T>;
  unknowns.push({ path: where, code: 'SBOM_ELEMENT_INVALID', message: describeIssues(r.error, where) });
  return undefined;
}

/** An array whose bad items are dropped silently (for optional detail such as properties). */
export function looseArray<T extends z.ZodTypeAny>(
  item: T,
): z.ZodType<Array<z.output<T>>, z.ZodTypeDef, unknown> {
  return z.array(z.unknown()).transform((xs) =>
    xs.flatMap((x) => {
      const r = item.safeParse(x);
      return r.success ? [r.data as z.output<T>] : [];
    }),
  );
}

export const PropertySchema = z.object({ name: z.string(), value: z.string().default('') });
