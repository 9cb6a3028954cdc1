/**
 * What lock-project/package.json resolves to, as `name@version` sorted: every lock file in this folder
 * (generate-locks.sh: pnpm 7.33.7/8.15.9/9.15.9, yarn 1.22.22/4.9.1) locks these versions.
 */

/** Everything reachable from `dependencies`, whatever the package manager. */
export const LOCK_PROJECT_PRODUCTION: readonly string[] = [
  '@isaacs/string-locale-compare@1.1.0',
  'is-buffer@1.1.6',
  'is-number@3.0.0',
  'is-number@7.0.0',
  'js-tokens@4.0.0',
  'kind-of@3.2.2',
  'loose-envify@1.4.0',
  'react-dom@18.2.0',
  'react@18.2.0',
  'repeat-string@1.6.1',
  'scheduler@0.23.2',
  'to-regex-range@2.1.1',
];

/** The only dev dependency (`tweetnacl`, no dependencies of its own); sorts after every production one. */
export const LOCK_PROJECT_DEV: readonly string[] = ['tweetnacl@0.14.5'];
