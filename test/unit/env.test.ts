// The environment's Worker Versioning pair (config/env.ts): both set, the worker joins that
// deployment version; neither, it stays unversioned; one alone stops the process, naming the other.
import { loadConfig } from '../../config/env';

describe('loadConfig: TEMPORAL_WORKER_DEPLOYMENT and TEMPORAL_WORKER_BUILD_ID', () => {
  it('leaves the worker unversioned when neither is set', () => {
    const { temporal } = loadConfig({});
    expect(temporal).toEqual({
      address: 'localhost:7233',
      namespace: 'default',
      taskQueue: 'rrm-event-loop',
    });
    expect(temporal.workerDeployment).toBeUndefined();
  });

  it('reads the deployment version when both are set', () => {
    const { temporal } = loadConfig({
      TEMPORAL_WORKER_DEPLOYMENT: 'rrm',
      TEMPORAL_WORKER_BUILD_ID: '2026.05.1',
    });
    expect(temporal.workerDeployment).toEqual({ deploymentName: 'rrm', buildId: '2026.05.1' });
  });

  it('refuses a deployment name without a build id, naming the missing variable', () => {
    expect(() => loadConfig({ TEMPORAL_WORKER_DEPLOYMENT: 'rrm' })).toThrow(
      'invalid environment: TEMPORAL_WORKER_BUILD_ID: must be set together with TEMPORAL_WORKER_DEPLOYMENT',
    );
  });

  it('refuses a build id without a deployment name, naming the missing variable', () => {
    expect(() => loadConfig({ TEMPORAL_WORKER_BUILD_ID: '2026.05.1' })).toThrow(
      'invalid environment: TEMPORAL_WORKER_DEPLOYMENT: must be set together with TEMPORAL_WORKER_BUILD_ID',
    );
  });

  it('refuses an empty value by name', () => {
    expect(() => loadConfig({ TEMPORAL_WORKER_DEPLOYMENT: '', TEMPORAL_WORKER_BUILD_ID: '1' })).toThrow(
      /TEMPORAL_WORKER_DEPLOYMENT/,
    );
  });
});
