import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isAppError } from '../errors.js';
import {
  detectCi,
  provenanceFromEnv,
  summariseEnv,
  summariseProvenance,
  type ProvenanceSummary,
} from './provenance.js';

const SHA = '0123456789abcdef0123456789abcdef01234567';

const TABLE: { name: string; env: Record<string, string>; want: ProvenanceSummary }[] = [
  {
    name: 'GitHub Actions',
    env: {
      GITHUB_ACTIONS: 'true',
      GITHUB_SERVER_URL: 'https://github.com',
      GITHUB_REPOSITORY: 'acme/shop',
      GITHUB_SHA: SHA,
      GITHUB_REF: 'refs/heads/main',
      GITHUB_RUN_ID: '1234',
      GITHUB_RUN_ATTEMPT: '2',
      GITHUB_ACTOR: 'octocat',
      GITHUB_TRIGGERING_ACTOR: 'hubot',
      GITHUB_EVENT_NAME: 'push',
      GITHUB_WORKFLOW: 'build',
      GITHUB_WORKFLOW_REF: 'acme/shop/.github/workflows/build.yml@refs/heads/main',
    },
    want: {
      ci: 'github',
      builderId: 'https://github.com/acme/shop/.github/workflows/build.yml@refs/heads/main',
      sourceRepository: 'git+https://github.com/acme/shop',
      sourceRef: 'refs/heads/main',
      commit: SHA,
      invocationUrl: 'https://github.com/acme/shop/actions/runs/1234/attempts/2',
      triggeredBy: 'hubot',
      event: 'push',
      workflow: 'build',
    },
  },
  {
    name: 'GitHub Enterprise without GITHUB_WORKFLOW_REF',
    env: {
      GITHUB_ACTIONS: 'true',
      GITHUB_SERVER_URL: 'https://ghe.acme.corp/',
      GITHUB_REPOSITORY: 'team/api',
      GITHUB_SHA: SHA,
      GITHUB_ACTOR: 'dev1',
    },
    want: {
      ci: 'github',
      builderId: 'https://ghe.acme.corp/team/api/actions',
      sourceRepository: 'git+https://ghe.acme.corp/team/api',
      commit: SHA,
      triggeredBy: 'dev1',
    },
  },
  {
    name: 'GitLab CI',
    env: {
      GITLAB_CI: 'true',
      CI_SERVER_URL: 'https://gitlab.acme.corp',
      CI_PROJECT_PATH: 'platform/shop',
      CI_PROJECT_URL: 'https://gitlab.acme.corp/platform/shop',
      CI_RUNNER_ID: '77',
      CI_COMMIT_SHA: SHA,
      CI_COMMIT_REF_NAME: 'main',
      CI_JOB_URL: 'https://gitlab.acme.corp/platform/shop/-/jobs/999',
      CI_PIPELINE_SOURCE: 'merge_request_event',
      GITLAB_USER_LOGIN: 'alice',
      CI_JOB_NAME: 'image',
    },
    want: {
      ci: 'gitlab',
      builderId: 'https://gitlab.acme.corp/platform/shop/-/runners/77',
      sourceRepository: 'git+https://gitlab.acme.corp/platform/shop',
      sourceRef: 'main',
      commit: SHA,
      invocationUrl: 'https://gitlab.acme.corp/platform/shop/-/jobs/999',
      triggeredBy: 'alice',
      event: 'merge_request_event',
      workflow: 'image',
    },
  },
  {
    name: 'Jenkins (git plugin + build user vars)',
    env: {
      JENKINS_URL: 'https://jenkins.acme.corp/',
      NODE_NAME: 'agent-3',
      BUILD_URL: 'https://jenkins.acme.corp/job/shop/42/',
      JOB_NAME: 'shop',
      GIT_URL: 'https://git.acme.corp/shop.git',
      GIT_COMMIT: SHA,
      GIT_BRANCH: 'origin/main',
      BUILD_USER_ID: 'bob',
    },
    want: {
      ci: 'jenkins',
      builderId: 'https://jenkins.acme.corp/computer/agent-3',
      sourceRepository: 'git+https://git.acme.corp/shop.git',
      sourceRef: 'origin/main',
      commit: SHA,
      invocationUrl: 'https://jenkins.acme.corp/job/shop/42/',
      triggeredBy: 'bob',
      workflow: 'shop',
    },
  },
  {
    name: 'Jenkins multibranch on the built-in node',
    env: {
      JENKINS_URL: 'https://ci.example',
      NODE_NAME: 'built-in',
      BRANCH_NAME: 'PR-5',
      CHANGE_AUTHOR: 'carol',
    },
    want: { ci: 'jenkins', builderId: 'https://ci.example', sourceRef: 'PR-5', triggeredBy: 'carol' },
  },
];

for (const row of TABLE) {
  test(`provenance from ${row.name}`, () => {
    assert.deepEqual(summariseEnv(row.env), row.want);
    const p = provenanceFromEnv(row.env, new Date('2026-01-02T03:04:05Z'));
    assert.equal(p.runDetails.builder.id, row.want.builderId);
    assert.equal(p.runDetails.metadata.finishedOn, '2026-01-02T03:04:05.000Z');
    assert.equal(p.runDetails.metadata.invocationId, row.want.invocationUrl);
    if (row.want.commit !== undefined && row.want.sourceRepository !== undefined) {
      assert.deepEqual(p.buildDefinition.resolvedDependencies[0]?.digest, { gitCommit: row.want.commit });
    }
    assert.equal(p.buildDefinition.internalParameters.triggeredBy, row.want.triggeredBy);
    // the summary a policy reads back
    const back = summariseProvenance(p);
    assert.equal(back.builderId, row.want.builderId);
    assert.equal(back.sourceRepository, row.want.sourceRepository?.replace(/^git\+/, ''));
    assert.equal(back.commit, row.want.sourceRepository !== undefined ? row.want.commit : undefined);
  });
}

test('no CI system is ATTEST_PROVENANCE_NO_CI', () => {
  assert.equal(detectCi({ CI: 'true' }), undefined);
  assert.throws(
    () => provenanceFromEnv({ CI: 'true' }),
    (e: unknown) => isAppError(e, 'ATTEST_PROVENANCE_NO_CI'),
  );
});

test('summariseProvenance reads SLSA v0.2 predicates too', () => {
  assert.deepEqual(
    summariseProvenance({
      builder: {
        id: 'https://github.com/slsa-framework/slsa-github-generator/.github/workflows/generator_generic_slsa3.yml@refs/tags/v1.9.0',
      },
      invocation: {
        configSource: { uri: 'git+https://github.com/acme/shop@refs/heads/main', digest: { sha1: SHA } },
      },
    }),
    {
      builderId:
        'https://github.com/slsa-framework/slsa-github-generator/.github/workflows/generator_generic_slsa3.yml@refs/tags/v1.9.0',
      sourceRepository: 'https://github.com/acme/shop',
      commit: SHA,
    },
  );
  assert.deepEqual(summariseProvenance('junk'), {});
});
