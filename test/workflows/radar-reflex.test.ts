// The radar reflex (docs/event-lifecycle.md) in skipped time with a stubbed controller: a radar move
// takes no turn and waits for no holder, one detection reported per sub-channel is one move, and a
// move whose answer was lost is found, not made again, by the activity's retry.
import { callsWhere, useHarness } from './harness';

describe('the radar reflex (rrmEvent + apCoordinator, stubbed activities)', () => {
  const h = useHarness();

  it('moves at once past a holder mid-apply; the holder meets the changed radio and plans again', async () => {
    const apId = h.newAp({ '5g': { channel: 52, width: 80 } });
    const held = h.controller.holdNextApply(apId);
    const holder = await h.start({ type: 'NON_WIFI_BURST', apId, confidence: 0.9, data: { channel: 52 } });
    await held.reached;

    const radar = await h.start({ type: 'DFS_RADAR', apId, data: { channel: 52 } });
    const moved = await h.statusWhen(radar.eventId, (s) => s.stage === 'monitor');
    expect(moved).toMatchObject({ closedChannels: [52, 56, 60, 64] });
    expect((await h.apState(apId)).radios['5g']).toMatchObject({
      holder: { eventId: holder.eventId },
      watch: { eventId: radar.eventId, severity: 'CRITICAL' },
    });
    // The holder asked for the radio's turn; the radar move asked for none: one reflex activity made
    // it, the coordinator was told after the fact, and the closure was signed with the move.
    expect(h.activities.requestApTurn).toHaveBeenCalledWith(
      expect.objectContaining({ apId, request: expect.objectContaining({ eventId: holder.eventId }) }),
    );
    expect(h.activities.requestApTurn).not.toHaveBeenCalledWith(
      expect.objectContaining({ request: expect.objectContaining({ eventId: radar.eventId }) }),
    );
    expect(callsWhere(h.activities.moveOffRadar, (r) => r.event.eventId === radar.eventId)).toEqual([
      [expect.objectContaining({ changeId: `${radar.eventId}:reflex:1` })],
    ]);
    expect(h.activities.noticeRadarMove).toHaveBeenCalledWith(
      expect.objectContaining({
        apId,
        move: expect.objectContaining({ eventId: radar.eventId, channel: 52 }),
        closure: expect.objectContaining({ eventId: radar.eventId, channels: [52, 56, 60, 64] }),
      }),
    );
    expect(h.activities.recordAudits).toHaveBeenCalledWith([
      expect.objectContaining({ eventId: radar.eventId, executionStatus: 'CHANNELS_CLOSED' }),
      expect.objectContaining({ eventId: radar.eventId, executionStatus: 'APPLIED' }),
    ]);

    held.release('apply');
    // Its step was planned on the radio before the radar move: refused, read again, nothing left to do.
    const decided = await h.outcomeOf(holder.eventId);
    expect(decided.outcome).toBe('NO_ACTION');
    expect(decided.reason).toMatch(/^interferer on channel 52 is outside the radio's channel/);
    expect(h.controller.callsOf(holder.eventId).map((c) => c.result)).toEqual(['VersionConflict']);
    expect(h.controller.callsOf(radar.eventId).map((c) => c.result)).toEqual(['applied']);
    expect(h.controller.radio(apId).channel).not.toBe(52);
  });

  it('makes one move of one detection reported for each 20 MHz sub-channel of the bonded channel', async () => {
    const apId = h.newAp({ '5g': { channel: 52, width: 80 } });
    const detectedAt = new Date(await h.now()).toISOString();
    const reports = await Promise.all(
      [52, 56, 60, 64].map((channel) => h.start({ type: 'DFS_RADAR', apId, detectedAt, data: { channel } })),
    );
    const outcomes = await Promise.all(
      reports.map(({ eventId }) => h.statusWhen(eventId, (s) => s.stage === 'monitor' || !!s.outcome)),
    );
    const movers = outcomes.filter((s) => s.stage === 'monitor');
    expect(movers).toHaveLength(1);
    const [mover] = movers;
    for (const joined of outcomes.filter((s) => s !== mover)) {
      expect(joined).toMatchObject({ outcome: 'NO_ACTION' });
      expect(joined.reason).toMatch(new RegExp(`is handled by ${mover.eventId}: the radio left it`));
    }
    const moves = reports.flatMap(({ eventId }) => h.controller.callsOf(eventId));
    expect(moves.map((c) => c.result)).toEqual(['applied']);
    // Each report ran the reflex once, none asked for a turn, and only the mover told the coordinator.
    for (const { eventId } of reports) {
      expect(callsWhere(h.activities.moveOffRadar, (r) => r.event.eventId === eventId)).toEqual([
        [expect.objectContaining({ changeId: `${eventId}:reflex:1` })],
      ]);
      expect(h.activities.requestApTurn).not.toHaveBeenCalledWith(
        expect.objectContaining({ request: expect.objectContaining({ eventId }) }),
      );
    }
    const told = reports.flatMap(({ eventId }) =>
      callsWhere(h.activities.noticeRadarMove, (c) => c.move?.eventId === eventId),
    );
    expect(told).toEqual([
      [expect.objectContaining({ apId, move: expect.objectContaining({ eventId: mover.eventId }) })],
    ]);
    const closed = reports
      .flatMap(({ eventId }) => h.audit.statusesOf(eventId))
      .filter((s) => s === 'CHANNELS_CLOSED');
    expect(closed).toHaveLength(1);
    expect((await h.apState(apId)).closedChannels.map((c) => [c.channel, c.closedBy])).toEqual(
      [52, 56, 60, 64].map((c) => [c, mover.eventId]),
    );
  });

  it('finds a move whose answer was lost when the activity is retried, and makes it once', async () => {
    const apId = h.newAp({ '5g': { channel: 52, width: 80 } });
    h.controller.failNextApply(apId, { kind: 'AnswerLost' });
    const radar = await h.start({ type: 'DFS_RADAR', apId, data: { channel: 52 } });
    // The retry comes after the activity's retry interval, which the test server skips through.
    const moved = await h.statusWhen(radar.eventId, (s) => s.appliedAt !== undefined);
    expect(moved.changes).toEqual([
      { param: 'channel', oldValue: 52, newValue: h.controller.radio(apId).channel },
    ]);
    expect(h.controller.callsOf(radar.eventId).map((c) => [c.changeId, c.result])).toEqual([
      [`${radar.eventId}:reflex:1`, 'AnswerLost'],
    ]);
    // Two attempts of the reflex under one change id: the second found the move, and made none.
    expect(callsWhere(h.activities.moveOffRadar, (r) => r.event.eventId === radar.eventId)).toEqual([
      [expect.objectContaining({ changeId: `${radar.eventId}:reflex:1` })],
      [expect.objectContaining({ changeId: `${radar.eventId}:reflex:1` })],
    ]);
    const [closing, applied] = h.audit.of(radar.eventId);
    expect(closing).toMatchObject({ executionStatus: 'CHANNELS_CLOSED' });
    expect(applied).toMatchObject({ executionStatus: 'APPLIED' });
    expect(applied.reason).toMatch(/found applied by a retry of the move/);
  });
});
