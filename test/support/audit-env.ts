// Audit keys for tests: fixed, so failures are reproducible. Apart from stack.ts, which the worker
// processes' module (worker-process.ts) and stack.ts both need.
export const TEST_AUDIT_ENV: NodeJS.ProcessEnv = {
  RRM_AUDIT_HMAC_KEYS: `test-1:${Buffer.alloc(32, 7).toString('base64')}`,
  RRM_AUDIT_HMAC_KEY_ID: 'test-1',
};
