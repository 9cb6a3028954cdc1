/**
 * `corral token create NAME --role ROLE | ls | revoke ID [--database …]`: API tokens, written straight
 * into the inventory database (a local admin command: no server needed). `create` prints the token
 * once on stdout; only its hash is stored. Each change is audited as `cli:<user>`.
 */
import { userInfo } from 'node:os';
import type { Command } from 'commander';
import { AppError } from '../../errors.js';
import { openInventory } from '../../inventory/store.js';
import { ROLES, type InventoryStore, type Role } from '../../inventory/types.js';
import { renderTable } from '../server-options.js';
import { createOutput } from '../ui/output.js';

interface DbFlags {
  database?: string;
  json?: boolean;
}

function actor(): string {
  try {
    return `cli:${userInfo().username}`;
  } catch {
    return `cli:${process.env.USER ?? 'unknown'}`;
  }
}

async function withStore<T>(flags: DbFlags, fn: (s: InventoryStore) => Promise<T>): Promise<T> {
  const store = await openInventory(flags.database);
  try {
    return await fn(store);
  } finally {
    await store.close();
  }
}

function parseRole(raw: string): Role {
  if ((ROLES as readonly string[]).includes(raw)) return raw as Role;
  throw new AppError('CLI_USAGE', `invalid --role "${raw}"`, { hint: `use one of: ${ROLES.join(', ')}` });
}

const databaseOption = [
  '--database <path|url>',
  'SQLite file or postgres://… URL (default: $CORRAL_HOME/inventory.db or ~/.cache/corral/inventory.db)',
] as const;

export function registerTokenCommand(program: Command): void {
  const token = program.command('token').description('API tokens of the inventory server');
  token
    .command('create')
    .description('create a token and print it once (only its hash is stored)')
    .argument('<name>', 'a name for the token (shown in the audit log)')
    .requiredOption('--role <role>', `one of ${ROLES.join(', ')}`)
    .option(...databaseOption)
    .option('--json', 'print {token, info} as JSON')
    .action(async (name: string, flags: DbFlags & { role: string }) => {
      const role = parseRole(flags.role);
      if (!/^[\w.@:-]{1,100}$/.test(name))
        throw new AppError('CLI_USAGE', `invalid token name "${name}"`, {
          hint: 'use 1-100 letters, digits, ".", "_", "-", "@" or ":"',
        });
      await withStore(flags, async (store) => {
        const created = await store.createToken(name, role);
        await store.appendAudit({
          actor: actor(),
          action: 'token.create',
          target: created.info.id,
          detail: { name, role },
        });
        if (flags.json === true) process.stdout.write(`${JSON.stringify(created, null, 2)}\n`);
        else {
          process.stdout.write(`${created.token}\n`);
          createOutput().info(
            `created token "${name}" (${role}, id ${created.info.id}); it is not shown again`,
          );
        }
      });
    });
  token
    .command('ls')
    .description('list tokens (never their values)')
    .option(...databaseOption)
    .option('--json', 'JSON output')
    .action(async (flags: DbFlags) => {
      await withStore(flags, async (store) => {
        const tokens = await store.listTokens();
        if (flags.json === true) {
          process.stdout.write(`${JSON.stringify(tokens, null, 2)}\n`);
          return;
        }
        process.stdout.write(
          renderTable(
            ['ID', 'NAME', 'ROLE', 'CREATED', 'LAST USED', 'REVOKED'],
            tokens.map((t) => [t.id, t.name, t.role, t.createdAt, t.lastUsedAt ?? '-', t.revokedAt ?? '-']),
          ),
        );
      });
    });
  token
    .command('revoke')
    .description('revoke a token by id (see "corral token ls")')
    .argument('<id>', 'token id')
    .option(...databaseOption)
    .action(async (id: string, flags: DbFlags) => {
      await withStore(flags, async (store) => {
        if (!(await store.revokeToken(id)))
          throw new AppError('API_NOT_FOUND', `no active token with id ${id}`, {
            hint: 'list them with "corral token ls"',
          });
        await store.appendAudit({ actor: actor(), action: 'token.revoke', target: id });
        createOutput().info(`revoked token ${id}`);
      });
    });
}
