// Watches in skipped time with a stubbed controller: a monitored change is a watch on its radio, not
// a lock. Lower severities wait for its window, an equal severity supersedes it (the change kept), a
// CRITICAL event on the channel it moved to has it roll back first (or hand over), and radar there
// moves the radio at once and supersedes it after the fact.
import { policyWith } from '../support/policy';
import { changeIdOf, MINUTE, SECOND, useHarness } from './harness';

describe('watches on a radio (rrmEvent + apCoordinator, stubbed activities)', () => {
  const h = useHarness();

  /** A confident interference burst on the radio's own channel: it moves the radio and is watched. */
  async function movedAndWatched(apId: string, extra: Record<string, unknown> = {}) {
    const { channel } = h.controller.radio(apId);
    const started = await h.start({
      type: 'NON_WIFI_BURST',
      apId,
      confidence: 0.9,
      data: { channel },
      ...extra,
    });
    const status = await h.statusWhen(started.eventId, (s) => s.stage === 'monitor');
    return { ...started, status };
  }

  it('keeps a LOW event waiting for a HIGH watch until the window ends; the watcher is committed', async () => {
    const apId = h.newAp();
    const watcher = await movedAndWatched(apId);
    expect(watcher.status.changes).toEqual([{ param: 'channel', oldValue: 36, newValue: 149 }]);
    expect(h.controller.radio(apId)).toMatchObject({ channel: 149, width: 80 });

    const low = await h.start({ type: 'LOAD_IMBALANCE', apId });
    expect(low.event.radio).toBe('5g');
    const queued = await h.apStateWhen(apId, (s) => s.radios['5g'].queue.includes(low.eventId));
    expect(queued.radios['5g']).toMatchObject({
      holder: null,
      watch: { eventId: watcher.eventId, severity: 'HIGH', channels: [149, 153, 157, 161] },
      queue: [low.eventId],
    });

    await h.env.sleep(4 * MINUTE);
    expect(await h.status(low.eventId)).toMatchObject({ stage: 'waiting' });
    expect(await h.status(watcher.eventId)).toMatchObject({ stage: 'monitor' });

    await h.env.sleep(1 * MINUTE + 5 * SECOND);
    const watched = await h.outcomeOf(watcher.eventId);
    expect(watched).toMatchObject({
      outcome: 'APPLIED',
      reason: 'monitor window passed without degradation',
      samples: 10,
    });
    expect(h.audit.statusesOf(watcher.eventId)).toEqual(['APPLIED', 'COMMITTED']);

    const lowDone = await h.outcomeOf(low.eventId);
    expect(lowDone).toMatchObject({ outcome: 'NO_ACTION', reason: 'no neighbour to share the load with' });
    const windowEnd = Date.parse(watched.appliedAt!) + 5 * MINUTE;
    expect(Date.parse(lowDone.decidedAt!)).toBeGreaterThanOrEqual(windowEnd);
    expect(h.controller.callsOf(watcher.eventId).map((c) => c.result)).toEqual(['applied']);
    // The watcher's move onto 149/80; the LOW event asked for its turn, waited, and wrote nothing.
    expect(h.activities.applyStep).toHaveBeenCalledWith(
      expect.objectContaining({
        changeId: `${watcher.eventId}:apply:1.0:0`,
        step: expect.objectContaining({ apId, radio: '5g', target: { channel: 149, width: 80 } }),
      }),
    );
    expect(h.activities.requestApTurn).toHaveBeenCalledWith(
      expect.objectContaining({
        apId,
        request: expect.objectContaining({ eventId: low.eventId, severity: 'LOW' }),
      }),
    );
    expect(h.activities.applyStep).not.toHaveBeenCalledWith(
      expect.objectContaining({ changeId: changeIdOf(low.eventId) }),
    );
  });

  it('lets an equal severity supersede a watch at once: the watcher ends SUPERSEDED, its change kept', async () => {
    const apId = h.newAp();
    const watcher = await movedAndWatched(apId);

    // Confidence below the channel-change minimum: the newcomer tunes OBSS-PD on the new channel.
    const newcomer = await h.start({ type: 'NON_WIFI_BURST', apId, confidence: 0.6, data: { channel: 149 } });
    await h.apStateWhen(apId, (s) => s.radios['5g'].queue.includes(newcomer.eventId));
    await h.env.sleep(15 * SECOND); // the cooldown of the watcher's change, not its 5-minute window

    const superseded = await h.outcomeOf(watcher.eventId);
    expect(superseded).toMatchObject({
      outcome: 'SUPERSEDED',
      reason: `superseded by ${newcomer.eventId} (HIGH) at a safe point; the change stays`,
    });
    const acted = await h.statusWhen(newcomer.eventId, (s) => s.stage === 'monitor');
    expect(acted).toMatchObject({ actionType: 'OBSS_PD_TUNE', severity: 'HIGH' });
    expect(acted.changes).toEqual([
      { param: 'obssPdDbm', oldValue: -82, newValue: -79 },
      { param: 'txPowerDbm', oldValue: 20, newValue: 18 },
    ]);
    const waited = Date.parse(acted.appliedAt!) - Date.parse(watcher.status.appliedAt!);
    expect(waited).toBeGreaterThanOrEqual(10 * SECOND);
    expect(waited).toBeLessThan(30 * SECOND);

    // The newcomer's tuning, made on the channel the watcher moved to.
    expect(h.activities.applyStep).toHaveBeenCalledWith(
      expect.objectContaining({
        changeId: `${newcomer.eventId}:apply:1.0:0`,
        step: expect.objectContaining({ apId, radio: '5g', target: { obssPdDbm: -79, txPowerDbm: 18 } }),
      }),
    );
    // No undo: the watcher's only step is its move, and the radio stays on the new channel.
    expect(h.controller.callsOf(watcher.eventId).map((c) => [c.changeId, c.result])).toEqual([
      [`${watcher.eventId}:apply:1.0:0`, 'applied'],
    ]);
    expect(h.controller.radio(apId)).toMatchObject({
      channel: 149,
      width: 80,
      obssPdDbm: -79,
      txPowerDbm: 18,
    });
    expect(h.audit.statusesOf(watcher.eventId)).toEqual(['APPLIED', 'SUPERSEDED']);
    expect(h.audit.of(watcher.eventId)[1].configurationChanges).toEqual(superseded.changes);
    expect((await h.apState(apId)).radios['5g'].watch).toMatchObject({ eventId: newcomer.eventId });
  });

  /** Interference everywhere but on the DFS channels: a burst moves the radio from 36/80 onto 52/80. */
  async function watchedOnDfs(apId: string) {
    h.controller.jam(apId, [149, 153, 157, 161, 165]);
    const watcher = await movedAndWatched(apId);
    expect(h.controller.radio(apId)).toMatchObject({ channel: 52, width: 80 });
    expect((await h.apState(apId)).radios['5g'].watch?.channels).toEqual([52, 56, 60, 64]);
    return watcher;
  }

  /** A CRITICAL event on the watched channel (an interference burst raised to CRITICAL by its source). */
  const criticalBurstOn = (apId: string, channel: number) =>
    h.start({ type: 'NON_WIFI_BURST', apId, severity: 'CRITICAL', confidence: 0.9, data: { channel } });

  it('has the watcher roll back first when a CRITICAL event hits the channel it moved to; it is decided after the undo', async () => {
    const apId = h.newAp();
    const watcher = await watchedOnDfs(apId);

    const critical = await criticalBurstOn(apId, 52);
    const rolledBack = await h.outcomeOf(watcher.eventId);
    expect(rolledBack).toMatchObject({
      outcome: 'ROLLED_BACK',
      reason: `automatic rollback: CRITICAL NON_WIFI_BURST (${critical.eventId}) on the new channel 52`,
    });
    // The undo took the radio off channel 52 before the CRITICAL event planned.
    expect(await h.outcomeOf(critical.eventId)).toMatchObject({ outcome: 'NO_ACTION' });
    const undo = `apply ${watcher.eventId}:rollback:0 applied`;
    expect(h.journal.indexOf(undo)).toBeGreaterThan(
      h.journal.indexOf(`apply ${watcher.eventId}:apply:1.0:0 applied`),
    );
    expect(h.controller.callsOf(critical.eventId)).toEqual([]);
    expect(h.controller.radio(apId)).toMatchObject({ channel: 36, width: 80 });
    // The undo put the channel back, and only it; the CRITICAL event asked for the radio's turn.
    expect(h.activities.applyStep).toHaveBeenCalledWith(
      expect.objectContaining({
        changeId: `${watcher.eventId}:rollback:0`,
        step: expect.objectContaining({ apId, radio: '5g', target: { channel: 36 } }),
      }),
    );
    expect(h.activities.requestApTurn).toHaveBeenCalledWith(
      expect.objectContaining({
        apId,
        request: expect.objectContaining({ eventId: critical.eventId, severity: 'CRITICAL', channel: 52 }),
      }),
    );
    const [, rollback] = h.audit.of(watcher.eventId);
    expect(rollback).toMatchObject({
      executionStatus: 'ROLLED_BACK',
      autoRollbackTriggered: true,
      degradationDetected: false, // a CRITICAL event on the new channel, not a degraded network
      configurationChanges: [{ param: 'channel', oldValue: 52, newValue: 36 }],
    });
  });

  it('has a watcher without automatic rollback hand over to a CRITICAL event on its channel', async () => {
    h.policy.current = policyWith({ events: { NON_WIFI_BURST: { autoRollback: false } } });
    const apId = h.newAp();
    const watcher = await watchedOnDfs(apId);

    const critical = await criticalBurstOn(apId, 52);
    expect(await h.outcomeOf(watcher.eventId)).toMatchObject({
      outcome: 'SUPERSEDED',
      reason: `CRITICAL NON_WIFI_BURST (${critical.eventId}) on the new channel 52; no automatic rollback: handing over to it`,
    });
    const moved = await h.statusWhen(critical.eventId, (s) => s.stage === 'monitor');
    expect(moved).toMatchObject({ actionType: 'CHANNEL_CHANGE', severity: 'CRITICAL' });
    expect(h.controller.callsOf(watcher.eventId).map((c) => c.changeId)).toEqual([
      `${watcher.eventId}:apply:1.0:0`,
    ]);
    // The CRITICAL event moved the radio itself, from where the watcher had left it.
    expect(h.activities.applyStep).toHaveBeenCalledWith(
      expect.objectContaining({
        changeId: `${critical.eventId}:apply:1.0:0`,
        step: expect.objectContaining({ apId, radio: '5g', from: expect.objectContaining({ channel: 52 }) }),
      }),
    );
  });

  it('lets radar on the channel a watcher moved to move the radio at once: the watcher is superseded after the fact', async () => {
    const apId = h.newAp();
    const watcher = await watchedOnDfs(apId);

    const radar = await h.start({ type: 'DFS_RADAR', apId, data: { channel: 52 } });
    const moved = await h.statusWhen(radar.eventId, (s) => s.stage === 'monitor');
    expect(moved).toMatchObject({
      actionType: 'CHANNEL_CHANGE',
      closedChannels: [52, 56, 60, 64],
      changes: [{ param: 'channel', oldValue: 52, newValue: 36 }],
    });
    expect(await h.outcomeOf(watcher.eventId)).toMatchObject({
      outcome: 'SUPERSEDED',
      reason: `superseded by radar ${radar.eventId} (CRITICAL) on channel 52: the radar move took the radio on; this change is not undone`,
    });
    // The radar took no turn: its reflex moved the radio and told the coordinator after the fact.
    expect(h.activities.requestApTurn).not.toHaveBeenCalledWith(
      expect.objectContaining({ request: expect.objectContaining({ eventId: radar.eventId }) }),
    );
    expect(h.activities.noticeRadarMove).toHaveBeenCalledWith(
      expect.objectContaining({
        apId,
        move: expect.objectContaining({ eventId: radar.eventId, severity: 'CRITICAL', channel: 52 }),
      }),
    );
    // One move, by the radar's reflex; the watcher undid nothing.
    expect(h.controller.callsOf(watcher.eventId).map((c) => c.changeId)).toEqual([
      `${watcher.eventId}:apply:1.0:0`,
    ]);
    expect(h.controller.callsOf(radar.eventId).map((c) => [c.changeId, c.result])).toEqual([
      [`${radar.eventId}:reflex:1`, 'applied'],
    ]);
    expect(h.controller.radio(apId)).toMatchObject({ channel: 36, width: 80 });
    const state = await h.apState(apId);
    expect(state.closedChannels.map((c) => [c.channel, c.closedBy])).toEqual(
      [52, 56, 60, 64].map((c) => [c, radar.eventId]),
    );
    expect(state.radios['5g'].watch).toMatchObject({ eventId: radar.eventId, severity: 'CRITICAL' });
  });

  it('decides at once an interference burst on the channel a radar move left; one on the new channel waits', async () => {
    const apId = h.newAp({ '5g': { channel: 52, width: 80 } });
    const radar = await h.start({ type: 'DFS_RADAR', apId, data: { channel: 52 } });
    const moved = await h.statusWhen(radar.eventId, (s) => s.stage === 'monitor');
    expect(moved.changes).toEqual([{ param: 'channel', oldValue: 52, newValue: 36 }]);

    // Raised on the channel the radar just moved the radio off: nothing left to act on.
    const gone = await h.start({ type: 'NON_WIFI_BURST', apId, confidence: 0.9, data: { channel: 52 } });
    const decided = await h.outcomeOf(gone.eventId);
    expect(decided).toMatchObject({
      outcome: 'NO_ACTION',
      reason:
        `channel 52 is no longer the 5g radio's: DFS_RADAR ${radar.eventId} moved it onto 36, 40, 44, 48; ` +
        'nothing left to act on (decided without waiting for its watch)',
    });
    // Decided in the seconds it took to ask, not after the radar's five-minute watch.
    expect(Date.parse(decided.decidedAt!) - Date.parse(moved.appliedAt!)).toBeLessThan(30_000);
    expect(h.audit.of(gone.eventId)).toEqual([
      expect.objectContaining({ executionStatus: 'NO_ACTION', details: { answeredBy: radar.eventId } }),
    ]);
    expect(h.activities.requestApTurn).toHaveBeenCalledWith(
      expect.objectContaining({ request: expect.objectContaining({ eventId: gone.eventId, channel: 52 }) }),
    );
    expect(h.activities.applyStep).not.toHaveBeenCalledWith(
      expect.objectContaining({ changeId: changeIdOf(gone.eventId) }),
    );

    // On the channel the radio is on now, the premise holds: it waits for the radar's watch.
    const holds = await h.start({ type: 'NON_WIFI_BURST', apId, confidence: 0.9, data: { channel: 36 } });
    await h.apStateWhen(apId, (s) => s.radios['5g'].queue.includes(holds.eventId));
    await h.env.sleep(1 * MINUTE);
    expect(await h.status(holds.eventId)).toMatchObject({ stage: 'waiting' });
    expect((await h.apState(apId)).radios['5g'].watch).toMatchObject({ eventId: radar.eventId });
  });
});
