// Worker Versioning on the real dev server (docs/upgrades.md). Build 1 of a worker deployment is
// current and an event run applies a change; build 2 is rolled out and made current while the run
// watches its change. The event run is PINNED: every workflow task it completes, before and after the
// switch, is build 1's, and it finishes there. The AP's coordinator is AUTO_UPGRADE: its next task
// runs on build 2. A new event starts on build 2. Versions are made current with the pinned Temporal
// CLI, as an operator would (the command of docs/upgrades.md).
import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { promisify } from 'node:util';
import type { WorkflowHandle } from '@temporalio/client';
import { decodeVersioningBehavior } from '@temporalio/common';
import { temporal } from '@temporalio/proto';
import type { WorkerDeploymentVersion } from '../../config/env';
import type { EventStatus } from '../../workflows/contract';
import { apCoordinatorWorkflowId } from '../../workflows/contract';
import { createRrmWorker, type RrmWorker } from '../../workers/rrm-worker';
import { fastSampling } from '../support/policy';
import { simPost } from '../support/sim-client';
import { eventually, startStack, TEST_AUDIT_ENV, workflowBundle, type Stack } from '../support/stack';

const run = promisify(execFile);

// No rollback token: a committed radar move ends its run at once, so the test sees it complete.
const policy = fastSampling({ events: { DFS_RADAR: { rollbackTokenTtlMs: 0 } } });
const deploymentName = `rrm-test-${randomUUID().slice(0, 8)}`;
const build1: WorkerDeploymentVersion = { deploymentName, buildId: 'build-1' };
const build2: WorkerDeploymentVersion = { deploymentName, buildId: 'build-2' };

/** The run's versioning as the server records it: its behaviour and the build of its last task. */
async function versioningOf(handle: WorkflowHandle): Promise<{ behavior?: string; buildId?: string }> {
  const info = (await handle.describe()).raw.workflowExecutionInfo?.versioningInfo;
  return {
    behavior: decodeVersioningBehavior(info?.behavior),
    buildId: info?.deploymentVersion?.buildId ?? undefined,
  };
}

/** The build of each completed workflow task, in history order. */
async function taskBuilds(handle: WorkflowHandle): Promise<(string | undefined)[]> {
  const { events } = await handle.fetchHistory();
  return (events ?? [])
    .filter((e) => e.workflowTaskCompletedEventAttributes)
    .map((e) => e.workflowTaskCompletedEventAttributes!.deploymentVersion?.buildId ?? undefined);
}

describe('Worker Versioning on the real dev server', () => {
  let stack: Stack;
  let next: { worker: RrmWorker; running: Promise<void> } | undefined;

  beforeAll(async () => {
    stack = await startStack({ policy, workerDeployment: build1 });
  });
  afterAll(async () => {
    if (next) {
      next.worker.shutdown();
      await next.running;
      await next.worker.close();
    }
    await stack?.stop();
  });

  /** Open runs on a build, by the visibility query of docs/upgrades.md (eventually consistent). */
  async function openRunsOn(version: WorkerDeploymentVersion): Promise<number> {
    const { deploymentName: name, buildId } = version;
    // Pinned runs only: a coordinator (AUTO_UPGRADE) moves on at its next task, wherever it sleeps.
    const query = `TemporalWorkerDeploymentVersion="${name}:${buildId}" AND ExecutionStatus="Running" AND WorkflowType="rrmEvent"`;
    return (await stack.rrm.client.workflow.count(query)).count;
  }

  /** `temporal worker deployment set-current-version`, retried until the build's pollers are known. */
  async function setCurrent(version: WorkerDeploymentVersion): Promise<void> {
    const cli = process.env.TEMPORAL_CLI;
    if (!cli) throw new Error('TEMPORAL_CLI is not set: run the tests with `npm test`');
    const args = ['worker', 'deployment', 'set-current-version', '--address', process.env.TEMPORAL_ADDRESS!];
    args.push('--deployment-name', version.deploymentName, '--build-id', version.buildId, '--yes');
    let lastError = '';
    await eventually(
      () =>
        run(cli, args).then(
          () => true,
          (err: { stderr?: string }) => void (lastError = err.stderr ?? String(err)),
        ),
      30_000,
      () => `set-current-version ${version.buildId}: ${lastError}`,
    );
    // The routing change reaches the task queue's partitions asynchronously: wait until it has.
    const { client } = stack.rrm;
    await eventually(async () => {
      const { workerDeploymentInfo: info } = await client.workflowService.describeWorkerDeployment({
        namespace: client.options.namespace,
        deploymentName: version.deploymentName,
      });
      const current = info?.routingConfig?.currentDeploymentVersion?.buildId;
      const inProgress =
        info?.routingConfigUpdateState ===
        temporal.api.enums.v1.RoutingConfigUpdateState.ROUTING_CONFIG_UPDATE_STATE_IN_PROGRESS;
      return current === version.buildId && !inProgress ? true : undefined;
    }, 30_000);
  }

  it('keeps an event run on the build that started it while the coordinator moves to the current build', async () => {
    await setCurrent(build1);

    const apId = stack.ap('ap-05');
    await simPost(stack.sim.url, '/v1/inject/radar', { channel: 52 });
    const [submitted] = await stack.rrm.submit([
      { eventId: `radar-${apId}`, type: 'DFS_RADAR_DETECTED', apId, data: { channel: 52 } },
    ]);
    const event = stack.rrm.eventHandle(submitted.eventId);
    const coordinator = stack.rrm.client.workflow.getHandle(apCoordinatorWorkflowId(apId));
    await eventually(async () =>
      (await stack.rrm.status(submitted.eventId)).stage === 'monitor' ? true : undefined,
    );

    // Each workflow type reports its own behaviour; an unversioned worker would report none. The
    // coordinator is started after the move (the radar reflex's notice): its first task may follow.
    expect(await versioningOf(event)).toEqual({ behavior: 'PINNED', buildId: 'build-1' });
    expect(
      await eventually(async () => {
        const v = await versioningOf(coordinator);
        return v.buildId ? v : undefined;
      }),
    ).toEqual({ behavior: 'AUTO_UPGRADE', buildId: 'build-1' });

    // Roll out build 2 (same code, its own worker on the same task queue) and make it current.
    const worker = await createRrmWorker({
      temporal: {
        connection: { address: process.env.TEMPORAL_ADDRESS! },
        namespace: 'default',
        taskQueue: stack.taskQueue,
        workerDeployment: build2,
      },
      databaseUrl: stack.databaseUrl,
      controller: stack.controller,
      policy,
      env: TEST_AUDIT_ENV,
      workflowBundle: await workflowBundle(),
    });
    next = { worker, running: worker.run() };
    await setCurrent(build2);
    const tasksBeforeSwitch = (await taskBuilds(event)).length;
    // docs/upgrades.md's drain check: build 1 still has open runs (the event run at least).
    expect(await openRunsOn(build1)).toBeGreaterThanOrEqual(1);

    // The operator commits: the pinned run takes that update, and finishes, on build 1.
    await stack.rrm.commit(submitted.eventId, { operator: 'test' });
    expect(((await event.result()) as EventStatus).outcome).toBe('APPLIED');
    const builds = await taskBuilds(event);
    expect(builds.length).toBeGreaterThan(tasksBeforeSwitch);
    expect(new Set(builds)).toEqual(new Set(['build-1']));
    expect(await versioningOf(event)).toEqual({ behavior: 'PINNED', buildId: 'build-1' });

    // The commit's release reaches the coordinator, whose next task runs on the current build.
    await eventually(async () =>
      (await versioningOf(coordinator)).buildId === 'build-2' ? true : undefined,
    );
    expect(await versioningOf(coordinator)).toEqual({ behavior: 'AUTO_UPGRADE', buildId: 'build-2' });
    expect(await taskBuilds(coordinator)).toEqual(expect.arrayContaining(['build-1', 'build-2']));
    // Drained: nothing open on build 1 any more, so its workers may stop.
    await eventually(async () => ((await openRunsOn(build1)) === 0 ? true : undefined));

    // A new event starts on the current build and stays there.
    const [late] = await stack.rrm.submit([
      { eventId: `late-${apId}`, type: 'NON_WIFI_BURST', apId: stack.ap('ap-07'), confidence: 0.2 },
    ]);
    const lateHandle = stack.rrm.eventHandle(late.eventId);
    expect(((await lateHandle.result()) as EventStatus).outcome).toBe('REJECTED');
    expect(await versioningOf(lateHandle)).toEqual({ behavior: 'PINNED', buildId: 'build-2' });
    expect(new Set(await taskBuilds(lateHandle))).toEqual(new Set(['build-2']));
  });
});
