/**
 * Two projects: every suite on the simulator's native API, and the controller contract suite again
 * through the OpenWiFi adapter against the simulator's OpenWiFi face (docs/controllers.md).
 * @type {import('jest').Config}
 */
const common = {
  testEnvironment: 'node',
  transform: { '^.+\\.ts$': 'ts-jest' },
  roots: ['<rootDir>/test'],
};

/** The suites that exercise the controller: what every adapter must pass. */
const CONTRACT_SUITE = [
  'test/simulator/controller-adapter.test.ts',
  'test/integration/dfs-radar.test.ts',
  'test/integration/interference.test.ts',
  'test/integration/event-types.test.ts',
  'test/integration/operator-controls.test.ts',
  'test/integration/auto-detection.test.ts',
  'test/chaos/worker-kill.test.ts',
];

module.exports = {
  // Integration and time-skipping suites start workers and servers: give them room.
  testTimeout: 120_000,
  maxWorkers: 2,
  projects: [
    // test/cluster: the self-hosted cluster's fault cases, run by scripts/test-cluster.sh only
    // (jest.cluster.config.js).
    {
      ...common,
      displayName: 'simulator',
      testMatch: ['**/*.test.ts'],
      testPathIgnorePatterns: ['/node_modules/', '<rootDir>/test/cluster/'],
    },
    {
      ...common,
      displayName: 'openwifi',
      testMatch: CONTRACT_SUITE.map((path) => `<rootDir>/${path}`),
      setupFiles: ['<rootDir>/test/support/openwifi-face.setup.ts'],
    },
  ],
};
