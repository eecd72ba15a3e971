import os from 'node:os';
import { configDefaults, defineConfig } from 'vitest/config';

/**
 * The suites that take minutes: the real course dev-checked on embedded and moto, the AWS CLI
 * (v1 and v2) driven hundreds of times, moto comparisons, terminals in tmux and pages in
 * Chromium. `npm test` (and CI) runs everything; `npm run test:fast` leaves these out for the
 * edit-test loop.
 */
const SLOW = [
  'tests/e2e/labs-dev-check.test.ts',
  'tests/e2e/labs-dev-check-moto.test.ts',
  'tests/e2e/labs-solutions-cli.test.ts',
  'tests/e2e/lab05-journey.test.ts',
  'tests/e2e/learner-journey.test.ts',
  'tests/e2e/totp-cli.test.ts',
  'tests/e2e/lab06-workloads.test.ts',
  'tests/e2e/iam-identities-cli.test.ts',
  'tests/e2e/iam-policies-cli.test.ts',
  'tests/e2e/s3-cli.test.ts',
  'tests/e2e/cli-v2-smoke.test.ts',
  'tests/e2e/backends-*.test.ts',
  'tests/e2e/tmux-*.test.ts',
  'tests/e2e/site-browser.test.ts',
  'tests/e2e/workshop-dashboard.test.ts',
  'tests/e2e/workshop-three-learners.test.ts',
  'tests/attack/browser.test.ts',
  'tests/attack/kill-9.test.ts',
  'tests/conformance/**/*.test.ts',
];

export default defineConfig({
  test: {
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: 'forks',
    // Most e2e time is spent waiting on child processes (the CLI, the AWS CLI, moto_server,
    // Chromium), so two files at a time pay off even on two cores (vitest's default is cores - 1).
    maxWorkers: Math.max(2, os.availableParallelism()),
    env: {
      AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
      // `npx vitest` would otherwise make every CLI a test starts suggest `npx iam-labs …` (invocation.ts)
      npm_lifecycle_event: '',
    },
    projects: [
      { extends: true, test: { name: 'fast', include: ['src/**/*.test.ts', 'tests/**/*.test.ts'], exclude: [...configDefaults.exclude, ...SLOW] } },
      { extends: true, test: { name: 'slow', include: SLOW } },
    ],
  },
});
