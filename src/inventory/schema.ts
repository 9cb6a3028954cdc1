/**
 * Row types of the inventory tables (created by `migrations/`; documented in README.md).
 * JSON columns hold text; timestamps ISO-8601 UTC text; booleans 0/1 integers (same on both dialects).
 */
export interface ImagesTable {
  digest: string;
  config_digest: string | null;
  repo_tags: string;
  distro: string | null;
  package_count: number;
  provenance: string | null;
  policy: string | null;
  db_info: string | null;
  /** Gzipped JSON of the Sbom (bytea / blob). */
  sbom: Uint8Array;
  first_pushed: string;
  last_pushed: string;
}

export interface ImagePackagesTable {
  image_digest: string;
  pkg_id: string;
  name: string;
  version: string;
  type: string;
  /** purl without version, qualifiers and subpath. */
  purl_base: string;
  purl: string;
  /** For OS packages built from a source package: the purl base with the source name, and its version. */
  source_base: string | null;
  source_version: string | null;
}

export interface FindingsTable {
  image_digest: string;
  vuln_id: string;
  pkg_id: string;
  pkg_name: string;
  pkg_version: string;
  pkg_type: string;
  pkg_purl: string;
  severity: string;
  fix_state: string;
  fixed_in: string | null;
  kev: number;
  first_seen: string;
}

export interface VulnAliasesTable {
  alias: string;
  vuln_id: string;
}

export interface AgentsTable {
  agent_id: string;
  host: string;
  platform: string;
  last_seen: string;
}

export interface DeploymentsTable {
  id: string;
  agent_id: string;
  platform: string;
  host: string;
  cluster: string | null;
  namespace: string | null;
  container_id: string;
  name: string;
  /** As the agent reported it (Docker: the image ID = config digest). */
  reported_digest: string;
  /** The stored image's manifest digest once known. */
  image_digest: string | null;
  repo_digests: string;
  image_ref: string | null;
  labels: string;
  compose_project: string | null;
  compose_service: string | null;
  state: string;
  started_at: string | null;
  first_seen: string;
  last_seen: string;
  stopped_at: string | null;
}

export interface RematchRunsTable {
  id: string;
  started_at: string;
  finished_at: string | null;
  images: number;
  added: number;
  removed: number;
  db_built_at: string | null;
}

export interface RematchDeltasTable {
  run_id: string;
  image_digest: string;
  vuln_id: string;
  pkg_id: string;
  pkg_name: string;
  pkg_version: string;
  pkg_type: string;
  pkg_purl: string;
  severity: string;
  change: string;
}

export interface AlertsTable {
  id: string;
  created_at: string;
  run_id: string | null;
  vuln_id: string;
  severity: string;
  image_digest: string;
  payload: string;
}

export interface WebhooksTable {
  id: string;
  url: string;
  kind: string;
  secret: string | null;
  min_severity: string | null;
  created_at: string;
}

export interface DeliveriesTable {
  id: string;
  alert_id: string;
  webhook_id: string;
  attempt: number;
  status: string;
  http_status: number | null;
  error: string | null;
  at: string;
}

export interface TokensTable {
  id: string;
  name: string;
  role: string;
  token_hash: string;
  created_at: string;
  last_used_at: string | null;
  revoked_at: string | null;
}

export interface AuditLogTable {
  id: string;
  at: string;
  actor: string;
  action: string;
  target: string | null;
  remote: string | null;
  detail: string | null;
}

export interface JobLeasesTable {
  name: string;
  holder: string;
  expires_at: string;
}

export interface InventoryDatabase {
  images: ImagesTable;
  image_packages: ImagePackagesTable;
  findings: FindingsTable;
  vuln_aliases: VulnAliasesTable;
  agents: AgentsTable;
  deployments: DeploymentsTable;
  rematch_runs: RematchRunsTable;
  rematch_deltas: RematchDeltasTable;
  alerts: AlertsTable;
  webhooks: WebhooksTable;
  deliveries: DeliveriesTable;
  tokens: TokensTable;
  audit_log: AuditLogTable;
  job_leases: JobLeasesTable;
}
