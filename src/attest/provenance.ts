/**
 * SLSA v1 provenance from CI environment variables, so that "who built this, from what" is recorded at
 * build time (`corral attest REF --provenance`).
 *
 * ref. https://slsa.dev/spec/v1.0/provenance
 *
 * | field                                  | GitHub Actions                                      | GitLab CI                         | Jenkins                          |
 * |----------------------------------------|-----------------------------------------------------|-----------------------------------|----------------------------------|
 * | runDetails.builder.id                  | $SERVER/$GITHUB_WORKFLOW_REF (or …/actions)          | $CI_SERVER_URL/$CI_PROJECT_PATH/-/runners/$CI_RUNNER_ID | $JENKINS_URL (+ computer/$NODE_NAME) |
 * | source repository (externalParameters) | git+$SERVER/$GITHUB_REPOSITORY                      | git+$CI_PROJECT_URL               | $GIT_URL                         |
 * | source commit (resolvedDependencies)   | $GITHUB_SHA                                         | $CI_COMMIT_SHA                    | $GIT_COMMIT                      |
 * | source ref                             | $GITHUB_REF                                         | $CI_COMMIT_REF_NAME               | $GIT_BRANCH                      |
 * | invocation (metadata.invocationId)     | $SERVER/$REPO/actions/runs/$RUN_ID/attempts/$ATTEMPT | $CI_JOB_URL                       | $BUILD_URL                       |
 * | triggered by                           | $GITHUB_ACTOR ($GITHUB_EVENT_NAME)                   | $GITLAB_USER_LOGIN ($CI_PIPELINE_SOURCE) | $BUILD_USER_ID / $CHANGE_AUTHOR |
 */
import { AppError } from '../errors.js';

export const SLSA_PROVENANCE_V1 = 'https://slsa.dev/provenance/v1';
/** buildType URIs written by Corral, one per CI system. */
export const BUILD_TYPES = {
  github: 'https://corral.dev/buildtypes/github-actions/v1',
  gitlab: 'https://corral.dev/buildtypes/gitlab-ci/v1',
  jenkins: 'https://corral.dev/buildtypes/jenkins/v1',
} as const;

export type CiSystem = keyof typeof BUILD_TYPES;

export interface ProvenanceSummary {
  ci: CiSystem;
  builderId: string;
  sourceRepository?: string;
  sourceRef?: string;
  commit?: string;
  invocationUrl?: string;
  triggeredBy?: string;
  event?: string;
  workflow?: string;
}

export interface SlsaProvenanceV1 {
  buildDefinition: {
    buildType: string;
    externalParameters: Record<string, unknown>;
    internalParameters: Record<string, unknown>;
    resolvedDependencies: { uri: string; digest: Record<string, string> }[];
  };
  runDetails: {
    builder: { id: string };
    metadata: { invocationId?: string; startedOn?: string; finishedOn?: string };
  };
}

type Env = Readonly<Record<string, string | undefined>>;

function v(env: Env, name: string): string | undefined {
  const x = env[name];
  return x === undefined || x.trim() === '' ? undefined : x.trim();
}

function stripSlash(url: string): string {
  return url.replace(/\/+$/, '');
}

/** Which CI system `env` comes from, or undefined. */
export function detectCi(env: Env): CiSystem | undefined {
  if (env.GITHUB_ACTIONS === 'true') return 'github';
  if (env.GITLAB_CI === 'true' || v(env, 'CI_SERVER_URL') !== undefined) return 'gitlab';
  if (v(env, 'JENKINS_URL') !== undefined) return 'jenkins';
  return undefined;
}

function github(env: Env): ProvenanceSummary {
  const server = stripSlash(v(env, 'GITHUB_SERVER_URL') ?? 'https://github.com');
  const repo = v(env, 'GITHUB_REPOSITORY');
  const workflowRef = v(env, 'GITHUB_WORKFLOW_REF');
  const runId = v(env, 'GITHUB_RUN_ID');
  const attempt = v(env, 'GITHUB_RUN_ATTEMPT') ?? '1';
  const s: ProvenanceSummary = {
    ci: 'github',
    builderId:
      workflowRef !== undefined
        ? `${server}/${workflowRef}`
        : repo !== undefined
          ? `${server}/${repo}/actions`
          : `${server}/actions`,
  };
  if (repo !== undefined) s.sourceRepository = `git+${server}/${repo}`;
  assign(s, 'sourceRef', v(env, 'GITHUB_REF'));
  assign(s, 'commit', v(env, 'GITHUB_SHA'));
  if (repo !== undefined && runId !== undefined)
    s.invocationUrl = `${server}/${repo}/actions/runs/${runId}/attempts/${attempt}`;
  assign(s, 'triggeredBy', v(env, 'GITHUB_TRIGGERING_ACTOR') ?? v(env, 'GITHUB_ACTOR'));
  assign(s, 'event', v(env, 'GITHUB_EVENT_NAME'));
  assign(s, 'workflow', v(env, 'GITHUB_WORKFLOW'));
  return s;
}

function gitlab(env: Env): ProvenanceSummary {
  const server = stripSlash(v(env, 'CI_SERVER_URL') ?? 'https://gitlab.com');
  const project = v(env, 'CI_PROJECT_PATH');
  const runner = v(env, 'CI_RUNNER_ID');
  const projectUrl = v(env, 'CI_PROJECT_URL') ?? (project !== undefined ? `${server}/${project}` : undefined);
  const s: ProvenanceSummary = {
    ci: 'gitlab',
    builderId:
      project !== undefined && runner !== undefined
        ? `${server}/${project}/-/runners/${runner}`
        : project !== undefined
          ? `${server}/${project}/-/runners`
          : server,
  };
  if (projectUrl !== undefined) s.sourceRepository = `git+${stripSlash(projectUrl)}`;
  assign(s, 'sourceRef', v(env, 'CI_COMMIT_REF_NAME'));
  assign(s, 'commit', v(env, 'CI_COMMIT_SHA'));
  assign(s, 'invocationUrl', v(env, 'CI_JOB_URL') ?? v(env, 'CI_PIPELINE_URL'));
  assign(s, 'triggeredBy', v(env, 'GITLAB_USER_LOGIN') ?? v(env, 'GITLAB_USER_EMAIL'));
  assign(s, 'event', v(env, 'CI_PIPELINE_SOURCE'));
  assign(s, 'workflow', v(env, 'CI_JOB_NAME'));
  return s;
}

function jenkins(env: Env): ProvenanceSummary {
  const server = stripSlash(v(env, 'JENKINS_URL') ?? '');
  const node = v(env, 'NODE_NAME');
  const s: ProvenanceSummary = {
    ci: 'jenkins',
    builderId:
      node !== undefined && node !== 'built-in' && node !== 'master' ? `${server}/computer/${node}` : server,
  };
  const gitUrl = v(env, 'GIT_URL');
  if (gitUrl !== undefined) s.sourceRepository = gitUrl.startsWith('git+') ? gitUrl : `git+${gitUrl}`;
  assign(s, 'sourceRef', v(env, 'GIT_BRANCH') ?? v(env, 'BRANCH_NAME'));
  assign(s, 'commit', v(env, 'GIT_COMMIT'));
  assign(s, 'invocationUrl', v(env, 'BUILD_URL'));
  assign(s, 'triggeredBy', v(env, 'BUILD_USER_ID') ?? v(env, 'CHANGE_AUTHOR'));
  assign(s, 'workflow', v(env, 'JOB_NAME'));
  return s;
}

function assign<K extends keyof ProvenanceSummary>(
  s: ProvenanceSummary,
  k: K,
  value: ProvenanceSummary[K],
): void {
  if (value !== undefined) s[k] = value;
}

/** Reads the CI variables of `env`; throws `ATTEST_PROVENANCE_NO_CI` outside a known CI system. */
export function summariseEnv(env: Env): ProvenanceSummary {
  const ci = detectCi(env);
  if (ci === undefined) {
    throw new AppError('ATTEST_PROVENANCE_NO_CI', 'no CI system detected for --provenance', {
      hint: 'run inside GitHub Actions (GITHUB_ACTIONS=true), GitLab CI (GITLAB_CI=true) or Jenkins (JENKINS_URL), or pass --predicate FILE',
    });
  }
  return ci === 'github' ? github(env) : ci === 'gitlab' ? gitlab(env) : jenkins(env);
}

/** Builds a SLSA v1 provenance predicate from CI environment variables. */
export function provenanceFromEnv(env: Env = process.env, now = new Date()): SlsaProvenanceV1 {
  const s = summariseEnv(env);
  const external: Record<string, unknown> = {};
  if (s.sourceRepository !== undefined)
    external.source = {
      repository: s.sourceRepository,
      ...(s.sourceRef !== undefined && { ref: s.sourceRef }),
    };
  if (s.workflow !== undefined) external.workflow = s.workflow;
  const internal: Record<string, unknown> = {};
  if (s.triggeredBy !== undefined) internal.triggeredBy = s.triggeredBy;
  if (s.event !== undefined) internal.event = s.event;
  const deps =
    s.sourceRepository !== undefined && s.commit !== undefined
      ? [
          {
            uri: s.sourceRef !== undefined ? `${s.sourceRepository}@${s.sourceRef}` : s.sourceRepository,
            digest: { gitCommit: s.commit },
          },
        ]
      : [];
  return {
    buildDefinition: {
      buildType: BUILD_TYPES[s.ci],
      externalParameters: external,
      internalParameters: internal,
      resolvedDependencies: deps,
    },
    runDetails: {
      builder: { id: s.builderId },
      metadata: {
        ...(s.invocationUrl !== undefined && { invocationId: s.invocationUrl }),
        finishedOn: now.toISOString(),
      },
    },
  };
}

/**
 * The facts a policy checks ("who can build") from a SLSA v1 or v0.2 predicate: builder id, source
 * repository (without `git+` and `@ref`) and commit. Unknown shapes give empty fields.
 */
export function summariseProvenance(predicate: unknown): {
  builderId?: string;
  sourceRepository?: string;
  commit?: string;
  triggeredBy?: string;
} {
  const str = (x: unknown): string | undefined => (typeof x === 'string' && x !== '' ? x : undefined);
  const at = (x: unknown, ...path: (string | number)[]): unknown => {
    let cur = x;
    for (const k of path) {
      if (typeof cur !== 'object' || cur === null) return undefined;
      cur = (cur as Record<string | number, unknown>)[k];
    }
    return cur;
  };
  const out: { builderId?: string; sourceRepository?: string; commit?: string; triggeredBy?: string } = {};
  const clean = (uri: string): string => uri.replace(/^git\+/, '').replace(/@(refs\/.*|[^@/]*)$/, '');
  const p = predicate;
  // v1
  const builderV1 = str(at(p, 'runDetails', 'builder', 'id'));
  const dep = at(p, 'buildDefinition', 'resolvedDependencies', 0);
  const repoV1 =
    str(at(p, 'buildDefinition', 'externalParameters', 'source', 'repository')) ?? str(at(dep, 'uri'));
  // v0.2
  const builder02 = str(at(p, 'builder', 'id'));
  const material = at(p, 'materials', 0);
  const repo02 = str(at(p, 'invocation', 'configSource', 'uri')) ?? str(at(material, 'uri'));
  const builderId = builderV1 ?? builder02;
  const repo = repoV1 ?? repo02;
  const commit =
    str(at(dep, 'digest', 'gitCommit')) ??
    str(at(p, 'invocation', 'configSource', 'digest', 'sha1')) ??
    str(at(material, 'digest', 'sha1'));
  const triggeredBy = str(at(p, 'buildDefinition', 'internalParameters', 'triggeredBy'));
  if (builderId !== undefined) out.builderId = builderId;
  if (repo !== undefined) out.sourceRepository = clean(repo);
  if (commit !== undefined) out.commit = commit;
  if (triggeredBy !== undefined) out.triggeredBy = triggeredBy;
  return out;
}
