/**
 * 001: every inventory table (README.md "Tables"). Portable DDL through Kysely's schema builder: text ids,
 * ISO text timestamps, JSON as text, 0/1 integers; the only dialect-specific type is the SBOM blob.
 */
import { sql, type Kysely, type Migration, type RawBuilder } from 'kysely';
import type { InventoryDialect } from '../db.js';

// Migrations are written against an untyped schema: the typed one describes the latest state only.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type AnyDb = Kysely<any>;

async function imageTables(db: AnyDb, blob: RawBuilder<unknown>): Promise<void> {
  await db.schema
    .createTable('images')
    .addColumn('digest', 'text', (c) => c.primaryKey())
    .addColumn('config_digest', 'text')
    .addColumn('repo_tags', 'text', (c) => c.notNull())
    .addColumn('distro', 'text')
    .addColumn('package_count', 'integer', (c) => c.notNull())
    .addColumn('provenance', 'text')
    .addColumn('policy', 'text')
    .addColumn('db_info', 'text')
    .addColumn('sbom', blob, (c) => c.notNull())
    .addColumn('first_pushed', 'text', (c) => c.notNull())
    .addColumn('last_pushed', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('images_config_digest').on('images').column('config_digest').execute();

  await db.schema
    .createTable('image_packages')
    .addColumn('image_digest', 'text', (c) => c.notNull().references('images.digest').onDelete('cascade'))
    .addColumn('pkg_id', 'text', (c) => c.notNull())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('version', 'text', (c) => c.notNull())
    .addColumn('type', 'text', (c) => c.notNull())
    .addColumn('purl_base', 'text', (c) => c.notNull())
    .addColumn('purl', 'text', (c) => c.notNull())
    .addColumn('source_base', 'text')
    .addColumn('source_version', 'text')
    .addPrimaryKeyConstraint('image_packages_pk', ['image_digest', 'pkg_id'])
    .execute();
  await db.schema.createIndex('image_packages_purl_base').on('image_packages').column('purl_base').execute();
  await db.schema
    .createIndex('image_packages_source_base')
    .on('image_packages')
    .column('source_base')
    .execute();

  await db.schema
    .createTable('findings')
    .addColumn('image_digest', 'text', (c) => c.notNull().references('images.digest').onDelete('cascade'))
    .addColumn('vuln_id', 'text', (c) => c.notNull())
    .addColumn('pkg_id', 'text', (c) => c.notNull())
    .addColumn('pkg_name', 'text', (c) => c.notNull())
    .addColumn('pkg_version', 'text', (c) => c.notNull())
    .addColumn('pkg_type', 'text', (c) => c.notNull())
    .addColumn('pkg_purl', 'text', (c) => c.notNull())
    .addColumn('severity', 'text', (c) => c.notNull())
    .addColumn('fix_state', 'text', (c) => c.notNull())
    .addColumn('fixed_in', 'text')
    .addColumn('kev', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('first_seen', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('findings_pk', ['image_digest', 'vuln_id', 'pkg_id'])
    .execute();
  await db.schema.createIndex('findings_vuln').on('findings').column('vuln_id').execute();
  await db.schema
    .createIndex('findings_severity')
    .on('findings')
    .columns(['severity', 'fix_state'])
    .execute();
}

async function deploymentTables(db: AnyDb): Promise<void> {
  await db.schema
    .createTable('vuln_aliases')
    .addColumn('alias', 'text', (c) => c.notNull())
    .addColumn('vuln_id', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('vuln_aliases_pk', ['alias', 'vuln_id'])
    .execute();

  await db.schema
    .createTable('agents')
    .addColumn('agent_id', 'text', (c) => c.primaryKey())
    .addColumn('host', 'text', (c) => c.notNull())
    .addColumn('platform', 'text', (c) => c.notNull())
    .addColumn('last_seen', 'text', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('deployments')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('agent_id', 'text', (c) => c.notNull())
    .addColumn('platform', 'text', (c) => c.notNull())
    .addColumn('host', 'text', (c) => c.notNull())
    .addColumn('cluster', 'text')
    .addColumn('namespace', 'text')
    .addColumn('container_id', 'text', (c) => c.notNull())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('reported_digest', 'text', (c) => c.notNull())
    .addColumn('image_digest', 'text')
    .addColumn('repo_digests', 'text', (c) => c.notNull())
    .addColumn('image_ref', 'text')
    .addColumn('labels', 'text', (c) => c.notNull())
    .addColumn('compose_project', 'text')
    .addColumn('compose_service', 'text')
    .addColumn('state', 'text', (c) => c.notNull())
    .addColumn('started_at', 'text')
    .addColumn('first_seen', 'text', (c) => c.notNull())
    .addColumn('last_seen', 'text', (c) => c.notNull())
    .addColumn('stopped_at', 'text')
    .addUniqueConstraint('deployments_agent_container', ['agent_id', 'container_id'])
    .execute();
  await db.schema
    .createIndex('deployments_image_state')
    .on('deployments')
    .columns(['image_digest', 'state'])
    .execute();
  await db.schema.createIndex('deployments_reported').on('deployments').column('reported_digest').execute();
  await db.schema.createIndex('deployments_host').on('deployments').columns(['host', 'id']).execute();
  await db.schema.createIndex('deployments_state').on('deployments').columns(['state', 'id']).execute();
}

async function rematchTables(db: AnyDb): Promise<void> {
  await db.schema
    .createTable('rematch_runs')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('started_at', 'text', (c) => c.notNull())
    .addColumn('finished_at', 'text')
    .addColumn('images', 'integer', (c) => c.notNull())
    .addColumn('added', 'integer', (c) => c.notNull())
    .addColumn('removed', 'integer', (c) => c.notNull())
    .addColumn('db_built_at', 'text')
    .execute();
  await db.schema
    .createTable('rematch_deltas')
    .addColumn('run_id', 'text', (c) => c.notNull().references('rematch_runs.id').onDelete('cascade'))
    .addColumn('image_digest', 'text', (c) => c.notNull())
    .addColumn('vuln_id', 'text', (c) => c.notNull())
    .addColumn('pkg_id', 'text', (c) => c.notNull())
    .addColumn('pkg_name', 'text', (c) => c.notNull())
    .addColumn('pkg_version', 'text', (c) => c.notNull())
    .addColumn('pkg_type', 'text', (c) => c.notNull())
    .addColumn('pkg_purl', 'text', (c) => c.notNull())
    .addColumn('severity', 'text', (c) => c.notNull())
    .addColumn('change', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('rematch_deltas_run').on('rematch_deltas').column('run_id').execute();

  await db.schema
    .createTable('alerts')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('run_id', 'text')
    .addColumn('vuln_id', 'text', (c) => c.notNull())
    .addColumn('severity', 'text', (c) => c.notNull())
    .addColumn('image_digest', 'text', (c) => c.notNull())
    .addColumn('payload', 'text', (c) => c.notNull())
    .addUniqueConstraint('alerts_run_image_vuln', ['run_id', 'image_digest', 'vuln_id'])
    .execute();
}

async function accessTables(db: AnyDb): Promise<void> {
  await db.schema
    .createTable('webhooks')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('url', 'text', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('secret', 'text')
    .addColumn('min_severity', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema
    .createTable('deliveries')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('alert_id', 'text', (c) => c.notNull())
    .addColumn('webhook_id', 'text', (c) => c.notNull())
    .addColumn('attempt', 'integer', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('http_status', 'integer')
    .addColumn('error', 'text')
    .addColumn('at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('deliveries_alert').on('deliveries').column('alert_id').execute();

  await db.schema
    .createTable('tokens')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('role', 'text', (c) => c.notNull())
    .addColumn('token_hash', 'text', (c) => c.notNull().unique())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('last_used_at', 'text')
    .addColumn('revoked_at', 'text')
    .execute();

  await db.schema
    .createTable('audit_log')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('at', 'text', (c) => c.notNull())
    .addColumn('actor', 'text', (c) => c.notNull())
    .addColumn('action', 'text', (c) => c.notNull())
    .addColumn('target', 'text')
    .addColumn('remote', 'text')
    .addColumn('detail', 'text')
    .execute();

  await db.schema
    .createTable('job_leases')
    .addColumn('name', 'text', (c) => c.primaryKey())
    .addColumn('holder', 'text', (c) => c.notNull())
    .addColumn('expires_at', 'text', (c) => c.notNull())
    .execute();
}

export function initial(dialect: InventoryDialect): Migration {
  const blob = dialect === 'postgres' ? sql`bytea` : sql`blob`;
  return {
    up: async (db: AnyDb): Promise<void> => {
      await imageTables(db, blob);
      await deploymentTables(db);
      await rematchTables(db);
      await accessTables(db);
    },
  };
}
