/**
 * The cluster run (scripts/test-cluster.sh, docs/scaling.md): the end-to-end suites on the self-hosted
 * Temporal cluster, each stack's worker as two worker processes (RRM_TEST_WORKER_PROCESSES), and the
 * cluster's own fault cases (test/cluster), on the simulator's native API.
 * @type {import('jest').Config}
 */
module.exports = {
  testTimeout: 120_000,
  maxWorkers: 2,
  testEnvironment: 'node',
  transform: { '^.+\\.ts$': 'ts-jest' },
  roots: ['<rootDir>/test'],
  testMatch: ['<rootDir>/test/integration/**/*.test.ts', '<rootDir>/test/cluster/**/*.test.ts'],
};
