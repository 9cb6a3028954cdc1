/**
 * CPE 2.3 formatted strings (NISTIR 7695, "Common Platform Enumeration: Naming Specification Version
 * 2.3", §6.2 formatted string binding): `cpe:2.3:part:vendor:product:version:update:edition:language:
 * sw_edition:target_sw:target_hw:other`. In a bound value every character other than letters, digits,
 * `_`, `-` and `.` is quoted with a backslash.
 */

const quote = (value: string): string => value.replace(/[^A-Za-z0-9._-]/g, (c) => `\\${c}`);

/**
 * An application CPE; `update` defaults to ANY (`*`).
 * @example formatCpe('openssl', 'openssl', '1.1.1k') // 'cpe:2.3:a:openssl:openssl:1.1.1k:*:*:*:*:*:*:*'
 * @example formatCpe('nodejs', 'node.js', '18.19.0') // 'cpe:2.3:a:nodejs:node.js:18.19.0:*:*:*:*:*:*:*'
 */
export function formatCpe(vendor: string, product: string, version: string, update = '*'): string {
  const u = update === '*' ? '*' : quote(update);
  return `cpe:2.3:a:${quote(vendor)}:${quote(product)}:${quote(version)}:${u}:*:*:*:*:*:*`;
}
