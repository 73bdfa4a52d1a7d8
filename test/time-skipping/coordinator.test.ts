// The AP coordinator's life in skipped time: it ends itself after 10 idle minutes, and it continues
// as new past its history limit carrying its state (closed channels included).
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { resolvePolicy } from '../../domain/policy';
import { apCoordinatorWorkflowId } from '../../workflows/definitions';
import { simPost } from '../support/sim-client';
import { harmlessEvent, statusWhen } from '../support/scenarios';
import { startStack, type Stack } from '../support/stack';
import { startTimeSkipping } from '../support/time-skipping';

const MINUTE = 60_000;
const policy = resolvePolicy({ coordinator: { continueAsNewAfterEvents: 100 } });
if (!policy.ok) throw new Error(policy.errors.join('; '));

describe('AP coordinator lifecycle in skipped time', () => {
  let env: TestWorkflowEnvironment;
  let stack: Stack;
  beforeAll(async () => {
    env = await startTimeSkipping();
    stack = await startStack({
      policy: policy.policy,
      temporal: {
        nativeConnection: env.nativeConnection,
        client: env.client,
        namespace: env.namespace ?? 'default',
      },
    });
  });
  afterAll(async () => {
    await stack?.stop();
    await env?.teardown();
  });

  const submitNow = async (events: unknown[]) =>
    stack.rrm.submit(events, new Date(await env.currentTimeMs()));
  const coordinator = (apId: string) => stack.rrm.client.workflow.getHandle(apCoordinatorWorkflowId(apId));

  it('ends itself after 10 idle minutes, not before', async () => {
    const apId = stack.ap('ap-02');
    const [submitted] = await submitNow([await harmlessEvent(stack, apId)]);
    await statusWhen(stack, submitted.eventId, (s) => s.outcome === 'NO_ACTION');

    await env.sleep(9 * MINUTE);
    expect((await coordinator(apId).describe()).status.name).toBe('RUNNING');
    await env.sleep(2 * MINUTE);
    expect((await coordinator(apId).describe()).status.name).toBe('COMPLETED');
  });

  it('continues as new past its history limit and keeps its closed channels', async () => {
    const apId = stack.ap('ap-05');
    await simPost(stack.sim.url, '/v1/inject/radar', { channel: 52 });
    const [radar] = await submitNow([{ type: 'DFS_RADAR', apId, data: { channel: 52 } }]);
    await statusWhen(stack, radar.eventId, (s) => s.stage === 'monitor');
    await stack.rrm.commit(radar.eventId, { operator: 'test' });
    const firstRun = (await coordinator(apId).describe()).runId;
    await env.sleep(15_000); // past the cooldown the radar move started

    for (let i = 0; i < 12; i++) {
      const [e] = await submitNow([await harmlessEvent(stack, apId)]);
      await statusWhen(stack, e.eventId, (s) => s.outcome === 'NO_ACTION');
    }
    const now = await coordinator(apId).describe();
    expect(now.runId).not.toBe(firstRun);
    expect(now.status.name).toBe('RUNNING');
    const state = await stack.rrm.apState(apId);
    expect(state.closedChannels.map((c) => c.channel)).toEqual([52, 56, 60, 64]);
    expect(state.holder).toBeNull();
  });
});
