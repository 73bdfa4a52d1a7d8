/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  transform: { '^.+\\.ts$': 'ts-jest' },
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  // Integration and time-skipping suites start workers and servers: give them room.
  testTimeout: 120_000,
  maxWorkers: 2,
};
