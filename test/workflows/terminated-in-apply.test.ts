// A holder terminated while its applyStep is in flight, found by the AP coordinator. On its own
// test server and in real time: once a workflow is terminated with an activity in flight, the
// time-skipping test server never skips time again (see harness.ts), so leases here are short.
import { policyWith } from '../support/policy';
import { callsWhere, SECOND, useHarness } from './harness';

const LEASE_MS = 5_000;

describe('a holder terminated in its apply (rrmEvent + apCoordinator, stubbed activities, real time)', () => {
  const h = useHarness();

  /** An interference burst whose apply the controller holds; terminated there, then the step refused. */
  async function terminatedInApply(apId: string) {
    const held = h.controller.holdNextApply(apId);
    const { channel } = h.controller.radio(apId);
    const holder = await h.start({ type: 'NON_WIFI_BURST', apId, confidence: 0.9, data: { channel } });
    expect((await held.reached).changeId).toBe(`${holder.eventId}:apply:1.0:0`);
    const turn = (await h.apState(apId)).radios['5g'].holder!;
    expect(turn).toMatchObject({ eventId: holder.eventId });
    await holder.handle.terminate('test: the event vanished');
    held.release('refuse');
    return { ...holder, turn };
  }

  it('reclaims the turn when the lease runs out; a waiting MEDIUM event is decided then', async () => {
    h.policy.current = policyWith({ coordinator: { leaseMs: LEASE_MS } });
    const apId = h.newAp();
    const vanished = await terminatedInApply(apId);
    expect(vanished.turn.leaseUntil - vanished.turn.grantedAt).toBe(LEASE_MS);

    const medium = await h.start({ type: 'LOAD_IMBALANCE', apId, severity: 'MEDIUM' });
    const waiting = await h.apStateWhen(apId, (s) => s.radios['5g'].queue.includes(medium.eventId));
    expect(waiting.radios['5g'].holder).toMatchObject({ eventId: vanished.eventId });
    expect(await h.status(medium.eventId)).toMatchObject({ stage: 'waiting' });

    const done = await h.outcomeOf(medium.eventId, LEASE_MS + 10 * SECOND);
    expect(done).toMatchObject({ outcome: 'NO_ACTION', reason: 'no neighbour to share the load with' });
    expect(Date.parse(done.decidedAt!)).toBeGreaterThanOrEqual(vanished.turn.leaseUntil);
    // The lease ran out: the coordinator asked whether the holder still runs, and took its turn back.
    expect(h.activities.eventRunStatus).toHaveBeenCalledWith(vanished.eventId);
    expect(h.audit.reclaimsOf(vanished.eventId)).toEqual([
      expect.objectContaining({
        eventType: 'NON_WIFI_BURST',
        severity: 'HIGH',
        actionType: 'TURN',
        reason: `turn of 5g reclaimed from event:${vanished.eventId}: workflow TERMINATED`,
        details: { holder: vanished.eventId, status: 'workflow TERMINATED', held: ['5g'], watched: [] },
      }),
    ]);
    expect(h.controller.callsOf(vanished.eventId).map((c) => c.result)).toEqual(['held-then-refused']);
    expect(h.controller.radio(apId)).toMatchObject({ channel: 36, width: 80 });
  });

  it('moves a radar radio at once past a vanished holder: the reflex takes no turn', async () => {
    const apId = h.newAp({ '5g': { channel: 52, width: 80 } });
    const vanished = await terminatedInApply(apId);
    expect(vanished.turn.leaseUntil - vanished.turn.grantedAt).toBe(30 * SECOND);

    const radar = await h.start({ type: 'DFS_RADAR', apId, data: { channel: 52 } });
    const moved = await h.statusWhen(radar.eventId, (s) => s.stage === 'monitor', 10 * SECOND);
    expect(Date.parse(moved.appliedAt!) - Date.parse(radar.event.detectedAt)).toBeLessThan(10 * SECOND);
    expect(Date.parse(moved.appliedAt!)).toBeLessThan(vanished.turn.leaseUntil);
    expect(moved).toMatchObject({
      closedChannels: [52, 56, 60, 64],
      changes: [{ param: 'channel', oldValue: 52, newValue: 36 }],
    });
    // The vanished holder still holds the turn (it is reclaimed when its lease runs out); the radar's
    // watch is on the radio beside it.
    const state = await h.apState(apId);
    expect(state.radios['5g']).toMatchObject({
      holder: { eventId: vanished.eventId },
      watch: { eventId: radar.eventId },
    });
    expect(state.closedChannels.map((c) => c.channel)).toEqual([52, 56, 60, 64]);
    // No turn asked for: one reflex made the move, the coordinator was told after the fact.
    expect(h.activities.requestApTurn).not.toHaveBeenCalledWith(
      expect.objectContaining({ request: expect.objectContaining({ eventId: radar.eventId }) }),
    );
    expect(callsWhere(h.activities.moveOffRadar, (r) => r.event.eventId === radar.eventId)).toHaveLength(1);
    expect(h.activities.noticeRadarMove).toHaveBeenCalledWith(
      expect.objectContaining({ apId, move: expect.objectContaining({ eventId: radar.eventId }) }),
    );
  });
});
