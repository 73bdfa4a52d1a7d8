// The AP coordinator's life in skipped time: it ends itself after 10 idle minutes, and it continues
// as new past its history limit carrying its state (closed channels included).
import { policyWith } from '../support/policy';
import { apCoordinatorWorkflowId } from '../../workflows/contract';
import { simPost } from '../support/sim-client';
import { harmlessEvent, statusWhen } from '../support/scenarios';
import { useTimeSkippingStack } from '../support/time-skipping';

const MINUTE = 60_000;

describe('AP coordinator lifecycle in skipped time', () => {
  const ts = useTimeSkippingStack({ policy: policyWith({ coordinator: { continueAsNewAfterEvents: 100 } }) });

  const coordinator = (apId: string) => ts.stack.rrm.client.workflow.getHandle(apCoordinatorWorkflowId(apId));

  it('ends itself after 10 idle minutes, not before', async () => {
    const apId = ts.stack.ap('ap-02');
    const [submitted] = await ts.submitNow([await harmlessEvent(ts.stack, apId)]);
    await statusWhen(ts.stack, submitted.eventId, (s) => s.outcome === 'NO_ACTION');

    await ts.env.sleep(9 * MINUTE);
    expect((await coordinator(apId).describe()).status.name).toBe('RUNNING');
    await ts.env.sleep(2 * MINUTE);
    expect((await coordinator(apId).describe()).status.name).toBe('COMPLETED');
  });

  it('continues as new past its history limit and keeps its closed channels', async () => {
    const apId = ts.stack.ap('ap-05');
    await simPost(ts.stack.sim.url, '/v1/inject/radar', { channel: 52 });
    const [radar] = await ts.submitNow([{ type: 'DFS_RADAR', apId, data: { channel: 52 } }]);
    await statusWhen(ts.stack, radar.eventId, (s) => s.stage === 'monitor');
    await ts.stack.rrm.commit(radar.eventId, { operator: 'test' });
    const firstRun = (await coordinator(apId).describe()).runId;
    await ts.env.sleep(15_000); // past the cooldown the radar move started

    for (let i = 0; i < 12; i++) {
      // Ids of their own: the same report again within a minute would be the same event.
      const [e] = await ts.submitNow([
        await harmlessEvent(ts.stack, apId, { eventId: `harmless-${i}-${apId}` }),
      ]);
      await statusWhen(ts.stack, e.eventId, (s) => s.outcome === 'NO_ACTION');
    }
    const now = await coordinator(apId).describe();
    expect(now.runId).not.toBe(firstRun);
    expect(now.status.name).toBe('RUNNING');
    const state = await ts.stack.rrm.apState(apId);
    expect(state.closedChannels.map((c) => c.channel)).toEqual([52, 56, 60, 64]);
    expect(Object.values(state.radios).map((r) => r.holder)).toEqual([null, null, null]);
  });
});
