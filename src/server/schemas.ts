/**
 * zod schemas of the API's inputs and main outputs (the contract of src/inventory/types.ts as seen on
 * the wire). Inputs are strict where the store relies on a field and pass everything else through.
 */
import { z } from 'zod';
import { ROLES } from '../inventory/types.js';

export const SEVERITIES = ['critical', 'high', 'medium', 'low', 'negligible', 'unknown'] as const;
export const severity = z.enum(SEVERITIES);

export const digest = z
  .string()
  .regex(/^(sha256:[0-9a-f]{64}|sha512:[0-9a-f]{128})$/, 'must be a digest "sha256:<64 hex digits>"');

const isoTime = z.string().datetime({ offset: true, message: 'must be an ISO-8601 timestamp' });

const packageSchema = z
  .object({
    name: z.string().min(1),
    version: z.string(),
    type: z.string().min(1),
    purl: z.string(),
  })
  .passthrough();

export const sbomSchema = z
  .object({
    schemaVersion: z.literal(1),
    image: z
      .object({
        ref: z.string(),
        digest: digest,
        configDigest: digest.optional(),
        repoTags: z.array(z.string()),
        repoDigests: z.array(z.string()),
      })
      .passthrough(),
    packages: z.array(packageSchema),
    relationships: z.array(z.object({}).passthrough()),
  })
  .passthrough();

export const provenanceSchema = z
  .object({
    builder: z.string(),
    repository: z.string(),
    commit: z.string(),
    ref: z.string(),
    pipeline: z.string(),
    runUrl: z.string(),
    actor: z.string(),
    buildStartedAt: z.string(),
    buildFinishedAt: z.string(),
  })
  .partial();

export const pushInputSchema = z.object({
  sbom: sbomSchema,
  findings: z.array(z.object({}).passthrough()).optional(),
  db: z.object({}).passthrough().optional(),
  policy: z
    .object({
      env: z.string(),
      pass: z.boolean(),
      rules: z.array(
        z.object({
          id: z.string(),
          pass: z.boolean(),
          action: z.enum(['deny', 'warn']).optional(),
          message: z.string(),
        }),
      ),
    })
    .optional(),
  provenance: provenanceSchema.optional(),
  repoTags: z.array(z.string()).optional(),
});

export const pushOutcomeSchema = z.object({ digest: z.string(), created: z.boolean() });

export const platform = z.enum(['docker', 'kubernetes']);

export const containerReportSchema = z.object({
  containerId: z.string().min(1),
  name: z.string(),
  imageDigest: digest,
  repoDigests: z.array(z.string()).optional(),
  imageRef: z.string().optional(),
  labels: z.record(z.string()).optional(),
  composeProject: z.string().optional(),
  composeService: z.string().optional(),
  startedAt: z.string().optional(),
});

export const deploymentSnapshotBody = z.object({
  platform,
  host: z.string().min(1),
  cluster: z.string().optional(),
  namespace: z.string().optional(),
  containers: z.array(containerReportSchema),
  at: isoTime,
});

export const deploymentEventsBody = z.object({
  platform,
  host: z.string().min(1),
  events: z.array(
    z.object({
      type: z.enum(['start', 'die', 'destroy', 'rename']),
      container: containerReportSchema.partial().extend({ containerId: z.string().min(1) }),
      at: isoTime,
    }),
  ),
});

export const heartbeatBody = z.object({ at: isoTime.optional() }).optional();

export const syncOutcomeSchema = z.object({ unknownDigests: z.array(z.string()) });

export const agentParams = z.object({
  agentId: z
    .string()
    .regex(/^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$/, 'must be 1-128 letters, digits, ".", "_", ":" or "-"'),
});

export const digestParams = z.object({ digest });

export const pageQuery = z.object({
  limit: z.coerce.number().int().min(1).max(1000).optional(),
  cursor: z.string().max(512).optional(),
});

export const deploymentsQuery = pageQuery.extend({
  host: z.string().optional(),
  state: z.enum(['running', 'stopped', 'stale']).optional(),
  image: digest.optional(),
});

const booleanString = z.enum(['true', 'false', '1', '0']).transform((v) => v === 'true' || v === '1');

export const whereQuery = z
  .object({
    vulnerability: z.string().min(1).max(200).optional(),
    purl: z
      .string()
      .regex(/^pkg:[a-z0-9.+-]+\//i, 'must be a package URL such as pkg:deb/debian/openssl')
      .optional(),
    range: z.string().max(200).optional(),
    running: booleanString.optional(),
  })
  .superRefine((q, ctx) => {
    if ((q.vulnerability === undefined) === (q.purl === undefined))
      ctx.addIssue({
        code: z.ZodIssueCode.custom,
        path: ['vulnerability'],
        message: 'give exactly one of "vulnerability" or "purl"',
      });
    if (q.range !== undefined && q.purl === undefined)
      ctx.addIssue({ code: z.ZodIssueCode.custom, path: ['range'], message: '"range" needs "purl"' });
  });

export const webhookBody = z.object({
  url: z
    .string()
    .url()
    .refine((u) => /^https?:\/\//.test(u), 'must be an http(s) URL'),
  kind: z.enum(['generic', 'slack']).default('generic'),
  secret: z.string().min(1).optional(),
  minSeverity: severity.optional(),
});

export const deliveriesQuery = z.object({ alert: z.string().optional() });

export const roleSchema = z.enum(ROLES);

export const errorSchema = z.object({
  error: z.object({ code: z.string(), message: z.string(), hint: z.string().optional() }),
});

export const pageOf = (item: z.ZodTypeAny) => z.object({ items: z.array(item), next: z.string().optional() });

export const looseObject = z.object({}).passthrough();
