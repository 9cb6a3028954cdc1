/**
 * Bearer-token authentication and role checks. Tokens look like `corral_…`; only their hash is stored
 * (InventoryStore.createToken/verifyToken). Roles: viewer < operator < admin for reads and
 * administration; `ci` (push) and `agent` (deployments + push) are write-only roles.
 */
import type { FastifyRequest } from 'fastify';
import { AppError } from '../errors.js';
import type { ApiToken, InventoryStore, Role } from '../inventory/types.js';
import type { Access } from './route.js';

export const ACCESS_ROLES: Record<Exclude<Access, 'public'>, readonly Role[]> = {
  read: ['viewer', 'operator', 'admin'],
  operator: ['operator', 'admin'],
  admin: ['admin'],
  push: ['ci', 'agent', 'admin'],
  agent: ['agent', 'admin'],
};

function bearer(req: FastifyRequest): string | undefined {
  const header = req.headers.authorization;
  if (header === undefined) return undefined;
  const m = /^Bearer\s+(\S+)\s*$/i.exec(header);
  if (!m) {
    throw new AppError('API_UNAUTHENTICATED', 'the Authorization header is not "Bearer <token>"', {
      hint: 'send "Authorization: Bearer corral_…" (create a token with "corral token create NAME --role ROLE")',
    });
  }
  return m[1];
}

/** Verifies the request's token and its role against `access`; returns the token. */
export async function authorize(
  store: InventoryStore,
  req: FastifyRequest,
  access: Exclude<Access, 'public'>,
): Promise<ApiToken> {
  const plaintext = bearer(req);
  if (plaintext === undefined) {
    throw new AppError('API_UNAUTHENTICATED', 'this endpoint needs a token', {
      hint: 'send "Authorization: Bearer corral_…" (create a token with "corral token create NAME --role ROLE")',
    });
  }
  const token = await store.verifyToken(plaintext);
  if (token === undefined) {
    throw new AppError('API_UNAUTHENTICATED', 'the token is unknown or revoked', {
      hint: 'create a new one with "corral token create NAME --role ROLE"',
    });
  }
  const allowed = ACCESS_ROLES[access];
  if (!allowed.includes(token.role)) {
    throw new AppError(
      'API_FORBIDDEN',
      `token "${token.name}" has role ${token.role}; ${req.method} ${req.routeOptions.url ?? req.url} needs role ${allowed.join(' or ')}`,
      { hint: `use a token created with --role ${allowed[0] ?? 'admin'}` },
    );
  }
  return token;
}
