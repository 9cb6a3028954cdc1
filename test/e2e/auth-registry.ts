/**
 * How the library and the CLI log in to the TLS + basic-auth registry of the test environment
 * (`registry(t)` in test/helpers/env.ts): trust its CA and send its user and password.
 */
import type { RegistryOptions } from '../../src/image/types.js';
import type { AuthRegistry } from '../helpers/env.js';

/** Options for `createRegistryClient` and the src/attest functions (`signImage`, `checkTrust`…). */
export function authRegistryOptions(reg: AuthRegistry): RegistryOptions {
  return { caFiles: [reg.caFile], credentials: { username: reg.user, password: reg.password } };
}

/** The same as `corral` flags (`sign`, `verify`, `policy check`…). */
export function authRegistryFlags(reg: AuthRegistry): string[] {
  return ['--ca-file', reg.caFile, '--username', reg.user, '--password', reg.password];
}
