// The AP coordinator in skipped time with a stubbed controller: leases (a vanished holder's turn is
// reclaimed and audited, a running one's is renewed), continue-as-new carrying its state, and its
// end after ten idle minutes. A holder is kept in its turn by a controller that holds its move.
import type { ApTurnView } from '../../domain/radio-turns';
import { policyWith } from '../support/policy';
import { callsWhere, MINUTE, SECOND, useHarness } from './harness';

describe('AP coordinator: leases, continue-as-new and idle end (stubbed activities)', () => {
  const h = useHarness();

  /** An event that needs nothing done (the interferer is on another channel). */
  const harmless = (apId: string, radio: '2g' | '5g' | '6g', extra: Record<string, unknown> = {}) =>
    h.start({
      type: 'NON_WIFI_BURST',
      apId,
      radio,
      confidence: 0.9,
      data: { channel: radio === '2g' ? 11 : 149 },
      ...extra,
    });

  /** A MEDIUM event for the radio with a long TTL: it waits, then finds nothing to do (no neighbours). */
  const mediumWaiting = (apId: string, radio: '5g' | '6g' = '5g') =>
    h.start({ type: 'LOAD_IMBALANCE', apId, radio, severity: 'MEDIUM' });

  /**
   * A confident interference burst on the AP's 5g channel (52/80) while the controller holds its move:
   * the event holds the radio's turn. Returns once it does. (A radar move takes no turn: the reflex.)
   */
  async function moveHoldingTurn(apId: string) {
    const move = h.controller.holdNextApply(apId);
    const holder = await h.start({ type: 'NON_WIFI_BURST', apId, confidence: 0.95, data: { channel: 52 } });
    await move.reached;
    const state = await h.apStateWhen(apId, (s) => s.radios['5g'].holder?.eventId === holder.eventId);
    return { ...holder, moveGoesThrough: () => move.release('apply'), turn: state.radios['5g'].holder! };
  }

  it('continues as new past its history limit, carrying turns, watches, queues and closed channels', async () => {
    h.policy.current = policyWith({ coordinator: { continueAsNewAfterEvents: 100 } });
    const apId = h.newAp({ '5g': { channel: 52, width: 80 } });
    // 6g: a move, watched, with a LOW event waiting for its window.
    const watcher = await h.start({
      type: 'NON_WIFI_BURST',
      apId,
      radio: '6g',
      confidence: 0.9,
      data: { channel: 37 },
    });
    const watched = await h.statusWhen(watcher.eventId, (s) => s.stage === 'monitor');
    expect(watched.changes).toEqual([{ param: 'channel', oldValue: 37, newValue: 1 }]);
    const low = await h.start({ type: 'LOAD_IMBALANCE', apId, radio: '6g' });
    // 5g: radar moved and watching (52-64 closed), a MEDIUM event waiting for its watch.
    const radar = await h.start({ type: 'DFS_RADAR', apId, data: { channel: 52 } });
    await h.statusWhen(radar.eventId, (s) => s.stage === 'monitor');
    const medium = await mediumWaiting(apId);

    const carried = (s: ApTurnView) => ({
      radios: { '5g': s.radios['5g'], '6g': s.radios['6g'] },
      queue: s.queue.map((q) => q.eventId),
      closedChannels: s.closedChannels,
    });
    const before = carried(
      await h.apStateWhen(
        apId,
        (s) =>
          s.radios['6g'].queue.includes(low.eventId) &&
          s.radios['5g'].queue.includes(medium.eventId) &&
          s.closedChannels.length === 4,
      ),
    );
    expect(before).toMatchObject({
      radios: {
        '5g': { holder: null, watch: { eventId: radar.eventId }, queue: [medium.eventId] },
        '6g': {
          holder: null,
          watch: { eventId: watcher.eventId, channels: [1, 5, 9, 13] },
          queue: [low.eventId],
        },
      },
      closedChannels: [52, 56, 60, 64].map((channel) =>
        expect.objectContaining({ channel, radio: '5g', closedBy: radar.eventId }),
      ),
    });
    const firstRun = (await h.coordinator(apId).describe()).runId;

    // 2g events that need nothing done, until the history passes the limit.
    let runId = firstRun;
    let count = 0;
    for (; runId === firstRun && count < 40; count++) {
      const e = await harmless(apId, '2g');
      expect(await h.outcomeOf(e.eventId)).toMatchObject({ outcome: 'NO_ACTION' });
      runId = (await h.coordinator(apId).describe()).runId;
    }
    expect(runId).not.toBe(firstRun);
    expect(count).toBeGreaterThan(2);
    const described = await h.coordinator(apId).describe();
    expect(described.status.name).toBe('RUNNING');
    expect(carried(await h.apState(apId))).toEqual(before);

    // The new run keeps the old one's promises: both watches' windows and the queues behind them.
    expect(await h.status(radar.eventId)).toMatchObject({
      stage: 'monitor',
      changes: [{ param: 'channel', oldValue: 52, newValue: expect.any(Number) }], // drawn among the clean channels
    });
    expect(h.audit.reclaimsOf(radar.eventId)).toEqual([]);
    expect(await h.status(medium.eventId)).toMatchObject({ stage: 'waiting' });
    expect(await h.status(low.eventId)).toMatchObject({ stage: 'waiting' });

    await h.env.sleep(5 * MINUTE + 30 * SECOND);
    expect(await h.outcomeOf(watcher.eventId)).toMatchObject({ outcome: 'APPLIED' });
    expect(await h.outcomeOf(radar.eventId)).toMatchObject({ outcome: 'APPLIED' });
    const lowDone = await h.outcomeOf(low.eventId);
    expect(lowDone).toMatchObject({ outcome: 'NO_ACTION', reason: 'no neighbour to share the load with' });
    expect(Date.parse(lowDone.decidedAt!)).toBeGreaterThanOrEqual(
      Date.parse(watched.appliedAt!) + 5 * MINUTE,
    );
    expect(await h.outcomeOf(medium.eventId)).toMatchObject({ outcome: 'NO_ACTION' });
    expect((await h.apState(apId)).closedChannels.map((c) => c.channel)).toEqual([52, 56, 60, 64]);
    // The waiting events asked for their turns once, in the first run: the new run granted them from
    // the queue it carried. The radar asked for none; its coordinator was told of its move.
    for (const { eventId } of [low, medium]) {
      expect(callsWhere(h.activities.requestApTurn, (c) => c.request.eventId === eventId)).toHaveLength(1);
    }
    expect(h.activities.requestApTurn).not.toHaveBeenCalledWith(
      expect.objectContaining({ request: expect.objectContaining({ eventId: radar.eventId }) }),
    );
    expect(h.activities.noticeRadarMove).toHaveBeenCalledWith(
      expect.objectContaining({
        apId,
        move: expect.objectContaining({ eventId: radar.eventId }),
        closure: expect.objectContaining({ channels: [52, 56, 60, 64] }),
      }),
    );
  });

  it('ends after ten idle minutes, not before', async () => {
    const apId = h.newAp();
    const e = await harmless(apId, '5g');
    expect(await h.outcomeOf(e.eventId)).toMatchObject({ outcome: 'NO_ACTION' });
    await h.apStateWhen(apId, (s) => s.queue.length === 0 && s.radios['5g'].holder === null);
    // The event's turn request started the coordinator, and was the only one it got.
    const idleSince = callsWhere(h.activities.requestApTurn, (c) => c.apId === apId);
    expect(idleSince).toEqual([
      [expect.objectContaining({ request: expect.objectContaining({ eventId: e.eventId, radios: ['5g'] }) })],
    ]);

    await h.env.sleep(9 * MINUTE);
    expect((await h.coordinator(apId).describe()).status.name).toBe('RUNNING');
    await h.env.sleep(2 * MINUTE);
    expect((await h.coordinator(apId).describe()).status.name).toBe('COMPLETED');
    expect(callsWhere(h.activities.requestApTurn, (c) => c.apId === apId)).toEqual(idleSince);
  });
  // Last: its 1 s lease keeps the test server's clock busy for the rest of the file.
  it('renews the lease of a holder that still runs: it keeps its turn past the lease', async () => {
    // A turn is held for seconds (plan and apply): a 1 s lease runs out while the move is held.
    h.policy.current = policyWith({ coordinator: { leaseMs: SECOND } });
    const apId = h.newAp({ '5g': { channel: 52, width: 80 } });
    const holder = await moveHoldingTurn(apId);
    const medium = await mediumWaiting(apId);
    await h.apStateWhen(apId, (s) => s.radios['5g'].queue.includes(medium.eventId));

    await h.env.sleep(2 * SECOND);
    const renewed = (await h.apState(apId)).radios['5g'];
    expect(renewed.holder).toMatchObject({ eventId: holder.eventId, grantedAt: holder.turn.grantedAt });
    expect(renewed.holder!.leaseUntil).toBeGreaterThan(holder.turn.leaseUntil);
    expect(renewed.queue).toEqual([medium.eventId]);
    expect(await h.status(holder.eventId)).toMatchObject({ stage: 'apply' });
    expect(h.audit.reclaimsOf(holder.eventId)).toEqual([]);
    // The lease ran out: the coordinator asked whether the holder still runs, and renewed it.
    expect(h.activities.eventRunStatus).toHaveBeenCalledWith(holder.eventId);

    holder.moveGoesThrough();
    const moved = await h.statusWhen(holder.eventId, (s) => s.stage === 'monitor');
    expect(moved.changes).toEqual(
      expect.arrayContaining([{ param: 'channel', oldValue: 52, newValue: expect.any(Number) }]),
    );
    expect(h.audit.statusesOf(holder.eventId)).toEqual(['APPLIED']);
    expect(h.audit.reclaimsOf(holder.eventId)).toEqual([]);
    // The MEDIUM event now waits for the move's (HIGH) watch, not for a holder.
    expect((await h.apState(apId)).radios['5g']).toMatchObject({
      holder: null,
      watch: { eventId: holder.eventId },
      queue: [medium.eventId],
    });
    // Done: with a 1 s lease the watcher would be checked every second of skipped time while the
    // MEDIUM event waits. Gone, its watch is reclaimed and the MEDIUM event goes.
    await holder.handle.terminate('test over');
    await h.outcomeOf(medium.eventId);
  });

  it('reclaims the turn of a holder whose workflow was terminated, once its lease runs out; a waiting MEDIUM event goes', async () => {
    const apId = h.newAp({ '5g': { channel: 52, width: 80 } });
    const holder = await moveHoldingTurn(apId);
    expect(holder.turn.leaseUntil - holder.turn.grantedAt).toBe(30 * SECOND);
    // Terminated while the controller holds its move; the move then lands for no one (an activity
    // left running would stop the test server from skipping time).
    await holder.handle.terminate('test: the event vanished');
    holder.moveGoesThrough();

    const medium = await mediumWaiting(apId);
    await h.apStateWhen(apId, (s) => s.radios['5g'].queue.includes(medium.eventId));
    expect((await h.apState(apId)).radios['5g'].holder).toMatchObject({ eventId: holder.eventId });
    expect(await h.status(medium.eventId)).toMatchObject({ stage: 'waiting' });

    await h.env.sleep(30 * SECOND);
    const done = await h.outcomeOf(medium.eventId);
    expect(done).toMatchObject({ outcome: 'NO_ACTION', reason: 'no neighbour to share the load with' });
    expect(Date.parse(done.decidedAt!)).toBeGreaterThanOrEqual(holder.turn.leaseUntil);
    // The lease ran out: the coordinator asked whether the holder still runs, and took its turn back.
    expect(h.activities.eventRunStatus).toHaveBeenCalledWith(holder.eventId);
    expect(h.audit.reclaimsOf(holder.eventId)).toEqual([
      expect.objectContaining({
        eventType: 'NON_WIFI_BURST',
        severity: 'HIGH',
        apId,
        actionType: 'TURN',
        reason: `turn of 5g reclaimed from event:${holder.eventId}: workflow TERMINATED`,
        details: { holder: holder.eventId, status: 'workflow TERMINATED', held: ['5g'], watched: [] },
      }),
    ]);
    // A reclaim starts no cooldown.
    const state = await h.apState(apId);
    expect(state.radios['5g']).toMatchObject({ holder: null, watch: null, cooldownUntil: 0, queue: [] });
  });
});
