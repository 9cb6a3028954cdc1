/**
 * The inventory's contract: what `server/`, `collect/` and the CLI may ask of the store
 * (`src/inventory/store.ts` implements {@link InventoryStore} over Kysely: SQLite or PostgreSQL).
 *
 * Everything here is plain JSON-able data; timestamps are ISO-8601 strings in UTC.
 */
import type { Package } from '../catalog/model.js';
import type { Finding, ScanResult } from '../match/model.js';
import type { Sbom } from '../sbom/model.js';
import type { FixState, SeverityLevel } from '../vulndb/model.js';
import type { VulnStore } from '../vulndb/store.js';

/** Token roles, weakest first. A role may do everything the roles before it may do, except `agent`/`ci`
 * which are write-only roles for their own endpoints (see server/auth). */
export const ROLES = ['viewer', 'ci', 'agent', 'operator', 'admin'] as const;
export type Role = (typeof ROLES)[number];

/** Who built an image (filled from CI variables by `corral attest --provenance` / `corral scan --push`). */
export interface BuildProvenance {
  /** Builder identity, e.g. `https://github.com/actions/runner`, `jenkins:https://ci.example/`. */
  builder?: string;
  /** Source repository URL. */
  repository?: string;
  commit?: string;
  ref?: string;
  /** Pipeline / workflow name and the URL of the run. */
  pipeline?: string;
  runUrl?: string;
  /** The person or bot that triggered the build. */
  actor?: string;
  buildStartedAt?: string;
  buildFinishedAt?: string;
}

/** A policy verdict as pushed from CI (shape of policy/'s PolicyResult). */
export interface PushedPolicyResult {
  env: string;
  pass: boolean;
  rules: { id: string; pass: boolean; action?: 'deny' | 'warn'; message: string }[];
}

/** One push from CI or an agent: idempotent by `sbom.image.digest`. */
export interface PushInput {
  sbom: Sbom;
  /** Findings at push time (informational: the inventory re-matches against its own vulndb). */
  findings?: Finding[];
  db?: ScanResult['db'];
  policy?: PushedPolicyResult;
  provenance?: BuildProvenance;
  /** Repo tags to remember for this digest (`registry/repo:tag`). Merged with earlier pushes. */
  repoTags?: string[];
}

export interface PushOutcome {
  digest: string;
  /** false when the digest was already stored (the SBOM is not replaced; tags/provenance are merged). */
  created: boolean;
}

/** A running (or just stopped) container as an agent sees it. */
export interface ContainerReport {
  containerId: string;
  name: string;
  /**
   * `sha256:…` as the daemon reports it: for Docker the image ID, i.e. the *config* digest. The store
   * matches it against both `sbom.image.digest` (manifest digest) and `sbom.image.configDigest`.
   */
  imageDigest: string;
  /** `repo@sha256:…` manifest digests the daemon knows for that image, when any. */
  repoDigests?: string[];
  /** The reference the container was started from (`app:1.2`). */
  imageRef?: string;
  labels?: Record<string, string>;
  composeProject?: string;
  composeService?: string;
  startedAt?: string;
}

export type Platform = 'docker' | 'kubernetes';

/** Full list of what an agent sees now; containers of this agent missing from it are marked stopped. */
export interface DeploymentSnapshot {
  agentId: string;
  platform: Platform;
  host: string;
  cluster?: string;
  namespace?: string;
  containers: ContainerReport[];
  at: string;
}

export interface DeploymentEvent {
  type: 'start' | 'die' | 'destroy' | 'rename';
  /** For die/destroy only `containerId` is required; for rename the new `name`. */
  container: Partial<ContainerReport> & { containerId: string };
  at: string;
}

export type DeploymentState = 'running' | 'stopped' | 'stale';

export interface Deployment {
  id: string;
  agentId: string;
  platform: Platform;
  host: string;
  cluster?: string;
  namespace?: string;
  containerId: string;
  name: string;
  imageDigest: string;
  imageRef?: string;
  labels: Record<string, string>;
  composeProject?: string;
  composeService?: string;
  state: DeploymentState;
  startedAt?: string;
  firstSeen: string;
  lastSeen: string;
  stoppedAt?: string;
}

export interface SyncOutcome {
  /** Image digests the inventory has no SBOM for: the agent should catalogue and push them. */
  unknownDigests: string[];
}

export interface ImageSummary {
  digest: string;
  repoTags: string[];
  distro?: string;
  packages: number;
  findingsBySeverity: Partial<Record<SeverityLevel, number>>;
  provenance?: BuildProvenance;
  firstPushed: string;
  lastPushed: string;
  runningDeployments: number;
}

export interface WhereQuery {
  /** A vulnerability id or alias (CVE-…, GHSA-…, DSA-…). */
  vulnerability?: string;
  /** A package URL without version (`pkg:deb/debian/openssl`) or with one (`…@3.0.11-1`). */
  purl?: string;
  /** Version range in the package's own scheme (`<3.0.12`, `>=1.0 <2.0`), with `purl`. */
  versionRange?: string;
  /** Only images with at least one running deployment, and only running deployments. */
  running?: boolean;
}

export interface WhereMatch {
  package: Pick<Package, 'name' | 'version' | 'type' | 'purl'>;
  vulnerability?: string;
  severity?: SeverityLevel;
  fixState?: FixState;
  fixedIn?: string;
}

export type WhereDeployment = Pick<
  Deployment,
  | 'id'
  | 'agentId'
  | 'platform'
  | 'host'
  | 'cluster'
  | 'namespace'
  | 'containerId'
  | 'name'
  | 'imageDigest'
  | 'imageRef'
  | 'state'
  | 'startedAt'
  | 'firstSeen'
  | 'lastSeen'
  | 'stoppedAt'
>;

export interface WhereImage {
  digest: string;
  repoTags: string[];
  provenance?: BuildProvenance;
  matches: WhereMatch[];
  /** Where it runs: the deployment without labels/compose details (answers may list 10,000s). */
  deployments: WhereDeployment[];
}

export interface Page<T> {
  items: T[];
  /** Opaque cursor for the next page; absent on the last page. */
  next?: string;
}

export interface PageRequest {
  limit?: number;
  cursor?: string;
}

export interface FleetSummary {
  images: number;
  deployments: { running: number; stopped: number; stale: number };
  findingsBySeverity: Partial<Record<SeverityLevel, number>>;
  /** Running deployments exposed to a CISA KEV vulnerability. */
  kevExposure: { vulnerabilities: number; runningDeployments: number };
  oldestUnpatchedCritical?: { vulnerability: string; imageDigest: string; since: string };
}

/** One change found by a re-match: a (image, vulnerability, package) pair that appeared or vanished. */
export interface MatchDelta {
  imageDigest: string;
  vulnerability: string;
  package: Pick<Package, 'name' | 'version' | 'type' | 'purl'>;
  severity: SeverityLevel;
  change: 'added' | 'removed';
}

export interface RematchOutcome {
  runId: string;
  images: number;
  added: number;
  removed: number;
  durationMs: number;
  /** Alerts created: one per vulnerability newly affecting ≥1 running deployment, per image. */
  alerts: Alert[];
}

export interface Alert {
  id: string;
  createdAt: string;
  vulnerability: string;
  severity: SeverityLevel;
  imageDigest: string;
  repoTags: string[];
  packages: WhereMatch['package'][];
  deployments: Pick<Deployment, 'host' | 'cluster' | 'namespace' | 'containerId' | 'name'>[];
}

export interface Webhook {
  id: string;
  url: string;
  kind: 'generic' | 'slack';
  /** Generic webhooks sign the body: header `X-Corral-Signature: sha256=<hex HMAC-SHA256(secret, body)>`. */
  hasSecret: boolean;
  minSeverity?: SeverityLevel;
}

export interface Delivery {
  id: string;
  alertId: string;
  webhookId: string;
  attempt: number;
  status: 'delivered' | 'failed' | 'pending';
  httpStatus?: number;
  error?: string;
  at: string;
}

export interface ApiToken {
  id: string;
  name: string;
  role: Role;
  createdAt: string;
  lastUsedAt?: string;
  revokedAt?: string;
}

export interface AuditEntry {
  id: string;
  at: string;
  /** Token name (or `cli:<user>` for local admin commands). */
  actor: string;
  action: string;
  target?: string;
  remote?: string;
  detail?: Record<string, unknown>;
}

/**
 * The store. One instance per process; safe for concurrent calls; several processes may share one
 * PostgreSQL database. Every write is one transaction.
 */
export interface InventoryStore {
  readonly dialect: 'sqlite' | 'postgres';
  close(): Promise<void>;

  pushImage(input: PushInput): Promise<PushOutcome>;
  hasImages(digests: readonly string[]): Promise<Set<string>>;
  getImage(digest: string): Promise<(ImageSummary & { sbom: Sbom }) | undefined>;
  listImages(page?: PageRequest): Promise<Page<ImageSummary>>;

  syncDeployments(snapshot: DeploymentSnapshot): Promise<SyncOutcome>;
  applyDeploymentEvents(
    agentId: string,
    host: string,
    platform: Platform,
    events: readonly DeploymentEvent[],
  ): Promise<SyncOutcome>;
  heartbeat(agentId: string, at: string): Promise<void>;
  /** Marks running deployments of agents silent since `olderThan` as stale (never deletes). */
  markStale(olderThan: string): Promise<number>;
  listDeployments(
    filter: { host?: string; state?: DeploymentState; imageDigest?: string },
    page?: PageRequest,
  ): Promise<Page<Deployment>>;
  /** Deployments of one image over time (including stopped/stale). */
  imageHistory(digest: string): Promise<Deployment[]>;

  where(query: WhereQuery): Promise<WhereImage[]>;
  summary(): Promise<FleetSummary>;

  /** Re-matches every stored SBOM against `vulndb`; records deltas; creates alerts. */
  rematch(vulndb: VulnStore): Promise<RematchOutcome>;
  /** The delta a re-match run recorded (added first, then removed; by image, vulnerability, package). */
  rematchDeltas(runId: string): Promise<MatchDelta[]>;
  /** The newest finished re-match run, with the `builtAt` of the vulndb it used. */
  lastRematch(): Promise<
    { runId: string; startedAt: string; finishedAt: string; dbBuiltAt?: string } | undefined
  >;
  listAlerts(page?: PageRequest): Promise<Page<Alert>>;

  addWebhook(input: {
    url: string;
    kind: Webhook['kind'];
    secret?: string;
    minSeverity?: SeverityLevel;
  }): Promise<Webhook>;
  listWebhooks(): Promise<(Webhook & { secret?: string })[]>;
  recordDelivery(delivery: Omit<Delivery, 'id'>): Promise<Delivery>;
  listDeliveries(alertId?: string): Promise<Delivery[]>;

  /** Returns the plaintext token once; only a hash is stored. */
  createToken(name: string, role: Role): Promise<{ token: string; info: ApiToken }>;
  verifyToken(plaintext: string): Promise<ApiToken | undefined>;
  revokeToken(id: string): Promise<boolean>;
  listTokens(): Promise<ApiToken[]>;

  appendAudit(entry: Omit<AuditEntry, 'id' | 'at'> & { at?: string }): Promise<void>;
  listAudit(page?: PageRequest): Promise<Page<AuditEntry>>;

  /**
   * Runs `fn` only if no other process holds job `name` (PostgreSQL: advisory lock; SQLite: a row
   * lease); returns false when skipped.
   */
  runExclusive(name: string, fn: () => Promise<void>): Promise<boolean>;
}
