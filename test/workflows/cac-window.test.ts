// The monitor window of a move onto a DFS channel the radio has not checked, in skipped time: the
// radio is off the air for the CAC, so the window starts when it transmits again, and a sample of a
// radio off the air judges nothing (it is neither healthy nor degraded).
import { channelsOfBand } from '../../domain/regulatory';
import { isDfsChannel } from '../../domain/dfs';
import { callsWhere, MINUTE, SECOND, useHarness } from './harness';

describe('the monitor window around a CAC (rrmEvent + apCoordinator, stubbed activities)', () => {
  const h = useHarness();

  it('watches a move onto an unchecked DFS channel from the end of its 60 s CAC', async () => {
    const apId = h.newAp();
    // Every non-DFS channel jammed: the interference move has to go onto a DFS channel.
    h.controller.jam(
      apId,
      channelsOfBand('5g', 'US').filter((c) => !isDfsChannel('5g', c, 'US')),
    );
    const { eventId } = await h.start({
      type: 'NON_WIFI_BURST',
      apId,
      confidence: 0.9,
      data: { channel: 36 },
    });

    const moved = await h.statusWhen(eventId, (s) => s.stage === 'monitor');
    expect(isDfsChannel('5g', Number(moved.changes.find((c) => c.param === 'channel')!.newValue), 'US')).toBe(
      true,
    );
    const applied = h.audit.of(eventId).find((e) => e.executionStatus === 'APPLIED')!;
    expect(applied.reason).toContain('CAC 60 s off the air');
    const appliedAt = Date.parse(moved.appliedAt!);
    const watch = (await h.apState(apId)).radios['5g'].watch!;
    expect(watch.until).toBe(appliedAt + 1 * MINUTE + 5 * MINUTE);

    // Five minutes after the move the window (which began with the radio transmitting) still runs.
    await h.env.sleep(5 * MINUTE + 5 * SECOND);
    expect(await h.status(eventId)).toMatchObject({ stage: 'monitor', samples: 8 });

    await h.env.sleep(1 * MINUTE);
    const done = await h.outcomeOf(eventId);
    expect(done).toMatchObject({
      outcome: 'APPLIED',
      reason: 'monitor window passed without degradation',
      samples: 10,
    });
    expect(Date.parse(done.decidedAt!)).toBeGreaterThanOrEqual(appliedAt + 6 * MINUTE);
    // The baseline before the move, then the window's ten samples: none taken during the CAC.
    expect(callsWhere(h.activities.sampleRadio, (id, radio) => id === apId && radio === '5g')).toHaveLength(
      1 + 10,
    );
  });

  it('counts no sample of a radio off the air: neither toward a rollback nor as served', async () => {
    const apId = h.newAp();
    const { eventId } = await h.start({
      type: 'NON_WIFI_BURST',
      apId,
      confidence: 0.9,
      data: { channel: 36 },
    });
    await h.statusWhen(eventId, (s) => s.stage === 'monitor');
    // All-zero figures, judged against the baseline, would be degraded on every rule.
    h.controller.offTheAir(apId, 3);

    await h.env.sleep(5 * MINUTE + 5 * SECOND);
    const done = await h.outcomeOf(eventId);
    expect(done).toMatchObject({
      outcome: 'APPLIED',
      reason: 'monitor window passed without degradation',
      samples: 7,
    });
    expect(h.audit.statusesOf(eventId)).toEqual(['APPLIED', 'COMMITTED']);
    // The baseline, then a sample every 30 s through the window: ten taken, the three off the air
    // counted for nothing.
    expect(callsWhere(h.activities.sampleRadio, (id, radio) => id === apId && radio === '5g')).toHaveLength(
      1 + 10,
    );
  });
});
