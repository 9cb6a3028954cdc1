/**
 * THE list of inventory migrations (static: works from dist/ without reading the directory).
 * Append-only: never edit a released migration; add `NNN-name.ts` and one line here.
 */
import type { Migration, MigrationProvider } from 'kysely';
import type { InventoryDialect } from '../db.js';
import { initial } from './001-initial.js';

export function migrationProvider(dialect: InventoryDialect): MigrationProvider {
  return {
    getMigrations: async (): Promise<Record<string, Migration>> => ({
      '001-initial': initial(dialect),
    }),
  };
}
