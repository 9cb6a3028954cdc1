/**
 * Line-by-line reading of the text databases package managers keep (dpkg `status`, apk `installed`),
 * with a hard cap on line length (CONVENTIONS.md §2.5; syft `maxApkDBFieldSize`): an over-long line is
 * cut to its first `maxLineChars` characters and flagged, so one hostile line cannot make a parser
 * build huge strings.
 */

export interface TextLine {
  /** 1-based, for Unknown messages. */
  number: number;
  /** The line without its `\n` (and without a `\r` before it); cut to `maxLineChars` when `tooLong`. */
  text: string;
  tooLong: boolean;
  /**
   * The last line of a text that does not end with `\n`. Package managers end every record with a
   * newline, so this line was most likely cut off (a truncated file).
   */
  unterminated: boolean;
}

/**
 * @example [...splitLines('Package: a\r\nVersion: 1\n', 1024)].map((l) => l.text) // ['Package: a', 'Version: 1']
 */
export function* splitLines(text: string, maxLineChars: number): Generator<TextLine> {
  let start = 0;
  let number = 0;
  while (start < text.length) {
    const nl = text.indexOf('\n', start);
    const end = nl === -1 ? text.length : nl;
    const stop = end > start && text.charCodeAt(end - 1) === 0x0d ? end - 1 : end;
    const tooLong = stop - start > maxLineChars;
    number++;
    yield {
      number,
      text: text.slice(start, tooLong ? start + maxLineChars : stop),
      tooLong,
      unterminated: nl === -1,
    };
    start = end + 1;
  }
}

/** Whether a line holds only spaces and tabs (a record separator in deb822 and apk databases). */
export function isBlank(text: string): boolean {
  return /^[ \t]*$/.test(text);
}
