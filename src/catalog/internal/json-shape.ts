/**
 * Narrowing helpers for JSON and YAML read from images: the content is untrusted, so parsers check each
 * field's shape where they use it and report what does not fit instead of casting.
 */

export type JsonRecord = Record<string, unknown>;

export function isRecord(value: unknown): value is JsonRecord {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The field when it is a non-empty string (surrounding whitespace removed), else `undefined`. */
export function stringField(obj: JsonRecord, key: string): string | undefined {
  const v = obj[key];
  if (typeof v !== 'string') return undefined;
  const t = v.trim();
  return t === '' ? undefined : t;
}

export type ParsedJson = { ok: true; value: unknown } | { ok: false; message: string };

/** `JSON.parse` without throwing: a syntax error becomes a message for an Unknown. */
export function parseJson(text: string): ParsedJson {
  try {
    return { ok: true, value: JSON.parse(text) as unknown };
  } catch (err) {
    return { ok: false, message: err instanceof Error ? err.message : String(err) };
  }
}

/** The first line of a parser's error (YAML errors append a multi-line source excerpt). */
export function parseErrorMessage(err: unknown): string {
  const text = err instanceof Error ? err.message : String(err);
  return text.split('\n', 1)[0]!.trim();
}
