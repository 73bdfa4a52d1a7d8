// Applying and undoing against a controller that says no, in skipped time with a stubbed controller:
// re-planning after a version conflict or radar on the chosen channel, an undo the controller refuses,
// and a FAILED apply waiting for an operator to retry or abandon it.
import { abandonUpdate, commitUpdate, retryUpdate } from '../../workflows/contract';
import { Worker } from '@temporalio/worker';
import { workflowBundle } from '../support/stack';
import { callsWhere, changeIdOf, SECOND, useHarness } from './harness';

describe('apply and undo failures (rrmEvent, stubbed activities)', () => {
  const h = useHarness();
  const operator = { operator: 'test' };

  /** A confident interference burst on the radio's own channel (36/80 unless the AP says otherwise). */
  const burst = (apId: string) =>
    h.start({
      type: 'NON_WIFI_BURST',
      apId,
      confidence: 0.9,
      data: { channel: h.controller.radio(apId).channel },
    });

  const callsOf = (eventId: string) =>
    h.controller.callsOf(eventId).map((c) => [c.changeId, c.expectedVersion, c.result]);

  it.each(['HW_FAILURE', 'NON_WIFI_BURST'])(
    'refuses a %s on an AP the controller does not know at once: REJECTED, audited',
    async (type) => {
      const e = await h.start({ type, apId: 'ghost-ap-1', data: {} });
      const status = await h.statusWhen(e.eventId, (s) => s.outcome !== undefined);
      expect(status).toMatchObject({
        outcome: 'REJECTED',
        reason: expect.stringContaining('does not know AP ghost-ap-1'),
      });
      expect(h.audit.statusesOf(e.eventId)).toEqual(['REJECTED']);
      // Refused on the controller's answer to the read: nothing written, the refusal signed alone.
      expect(h.activities.readAp).toHaveBeenCalledWith('ghost-ap-1');
      expect(h.activities.applyStep).not.toHaveBeenCalledWith(
        expect.objectContaining({ changeId: changeIdOf(e.eventId) }),
      );
      expect(h.activities.recordAudits).toHaveBeenCalledWith([
        expect.objectContaining({ eventId: e.eventId, executionStatus: 'REJECTED' }),
      ]);
    },
  );

  it('leaves a failover whose first read finds the controller unreachable FAILED, for an operator', async () => {
    const apId = h.newAp();
    h.controller.unreachable.add(apId);
    const e = await h.start({ type: 'HW_FAILURE', apId, data: {} });
    const status = await h.statusWhen(e.eventId, (s) => s.outcome !== undefined);
    expect(status).toMatchObject({
      outcome: 'FAILED',
      reason: expect.stringContaining('controller unreachable'),
    });
    expect(h.audit.statusesOf(e.eventId)).toEqual(['FAILED']);
    // The read was retried until its attempts ran out; no turn was asked for, nothing written.
    expect(callsWhere(h.activities.readAp, (id) => id === apId)).toHaveLength(5);
    expect(h.activities.requestApTurn).not.toHaveBeenCalledWith(
      expect.objectContaining({ request: expect.objectContaining({ eventId: e.eventId }) }),
    );
    expect(h.activities.applyStep).not.toHaveBeenCalledWith(
      expect.objectContaining({ changeId: changeIdOf(e.eventId) }),
    );
    await e.handle.executeUpdate(abandonUpdate, { args: [operator] });
  });

  it('re-plans after a version conflict and applies against the version it read again', async () => {
    const apId = h.newAp();
    h.controller.failNextApply(apId, { kind: 'VersionConflict' });
    const e = await burst(apId);
    const applied = await h.statusWhen(e.eventId, (s) => s.stage === 'monitor');

    expect(applied.changes).toEqual([{ param: 'channel', oldValue: 36, newValue: 149 }]);
    expect(callsOf(e.eventId)).toEqual([
      [`${e.eventId}:apply:1.0:0`, 1, 'VersionConflict'],
      [`${e.eventId}:apply:1.1:0`, 2, 'applied'],
    ]);
    // The second plan's step: the same move, guarded by the version read after the conflict.
    expect(h.activities.applyStep).toHaveBeenCalledWith({
      changeId: `${e.eventId}:apply:1.1:0`,
      expectedVersion: 2,
      step: expect.objectContaining({ apId, radio: '5g', target: { channel: 149, width: 80 } }),
    });
    expect(h.controller.ap(apId).version).toBe(9);
    expect(h.audit.statusesOf(e.eventId)).toEqual(['APPLIED']);

    const committed = await e.handle.executeUpdate(commitUpdate, { args: [operator] });
    expect(committed).toMatchObject({ outcome: 'APPLIED', reason: 'committed by test' });
    expect(h.audit.statusesOf(e.eventId)).toEqual(['APPLIED', 'COMMITTED']);
  });

  it('re-plans off the channels the controller reports radar on', async () => {
    const apId = h.newAp();
    h.controller.jam(apId, [149, 153, 157, 161, 165]); // the best move is the DFS channel 52/80
    h.controller.failNextApply(apId, { kind: 'ChannelUnavailable', radarChannels: [52, 56, 60, 64] });
    const e = await burst(apId);
    const applied = await h.statusWhen(e.eventId, (s) => s.stage === 'monitor');

    expect(applied.changes).toEqual([{ param: 'channel', oldValue: 36, newValue: 100 }]);
    const calls = h.controller.callsOf(e.eventId);
    expect(calls.map((c) => [c.changeId, c.expectedVersion, c.result])).toEqual([
      [`${e.eventId}:apply:1.0:0`, 1, 'ChannelUnavailable'],
      [`${e.eventId}:apply:1.1:0`, 1, 'applied'],
    ]);
    expect(calls.map((c) => c.step)).toEqual([
      expect.objectContaining({ target: { channel: 52, width: 80 } }),
      expect.objectContaining({ target: { channel: 100, width: 80 } }),
    ]);
    expect(h.controller.radio(apId)).toMatchObject({ channel: 100, width: 80 });
    const [record] = h.audit.of(e.eventId);
    expect(record).toMatchObject({ executionStatus: 'APPLIED', actionType: 'CHANNEL_CHANGE' });
    expect(record.reason).toContain('avoiding 36-64');
  });

  it('ends FAILED when the controller refuses the undo of a degraded change; the change stays', async () => {
    const apId = h.newAp();
    const e = await burst(apId);
    await h.statusWhen(e.eventId, (s) => s.stage === 'monitor');
    h.controller.degrade(apId);
    h.controller.failNextApply(apId, { kind: 'ControllerRefused' });

    await h.env.sleep(70 * SECOND); // two degraded samples, 30 s apart
    const done = await h.outcomeOf(e.eventId);
    expect(done).toMatchObject({ outcome: 'FAILED', stage: 'done', samples: 2 });
    expect(done.reason).toMatch(
      new RegExp(
        `^rollback failed \\(ControllerRefused: ${e.eventId}:rollback:0 refused by the fake controller\\); ` +
          'the change is still applied after: automatic rollback: PER 0.020 → 0.200',
      ),
    );
    expect(done.findings.map((f) => f.rule)).toEqual([
      'PER',
      'RETRY_RATE',
      'THROUGHPUT',
      'QOE',
      'DISCONNECTS',
    ]);
    expect(callsOf(e.eventId)).toEqual([
      [`${e.eventId}:apply:1.0:0`, 1, 'applied'],
      [`${e.eventId}:rollback:0`, 2, 'ControllerRefused'],
    ]);
    // The undo asked for: the channel back to 36, against the version the move left.
    expect(h.activities.applyStep).toHaveBeenCalledWith({
      changeId: `${e.eventId}:rollback:0`,
      expectedVersion: 2,
      step: expect.objectContaining({ apId, radio: '5g', target: { channel: 36 } }),
    });
    expect(h.controller.radio(apId)).toMatchObject({ channel: 149, width: 80 });
    expect(h.audit.statusesOf(e.eventId)).toEqual(['APPLIED', 'FAILED']);
    expect(h.audit.of(e.eventId)[1]).toMatchObject({
      degradationDetected: true,
      autoRollbackTriggered: true,
      configurationChanges: [],
    });
    // Nothing is left to roll back by hand: the workflow ends, and the radio's turn and watch are free.
    expect((await h.apState(apId)).radios['5g']).toMatchObject({ holder: null, watch: null });
    expect(await describedStatus(e.eventId)).toBe('COMPLETED');
  });

  it('retries a FAILED apply for an operator: it plans again and applies', async () => {
    const apId = h.newAp();
    h.controller.failNextApply(apId, { kind: 'ControllerRefused' });
    const e = await burst(apId);
    const failed = await h.statusWhen(e.eventId, (s) => s.outcome === 'FAILED');
    expect(failed).toMatchObject({
      stage: 'apply',
      reason: `apply failed: ControllerRefused: ${e.eventId}:apply:1.0:0 refused by the fake controller`,
      changes: [],
    });
    expect((await h.apState(apId)).radios['5g']).toMatchObject({
      holder: null,
      watch: null,
      cooldownUntil: 0,
    });

    await e.handle.executeUpdate(retryUpdate, { args: [{ ...operator, reason: 'controller fixed' }] });
    const applied = await h.statusWhen(e.eventId, (s) => s.stage === 'monitor');
    expect(applied.outcome).toBeUndefined();
    expect(applied.changes).toEqual([{ param: 'channel', oldValue: 36, newValue: 149 }]);
    expect(callsOf(e.eventId)).toEqual([
      [`${e.eventId}:apply:1.0:0`, 1, 'ControllerRefused'],
      [`${e.eventId}:apply:2.0:0`, 1, 'applied'],
    ]);
    // The FAILED apply gave the radio's turn back: the retry asked for it again.
    expect(callsWhere(h.activities.requestApTurn, (c) => c.request.eventId === e.eventId)).toEqual([
      [expect.objectContaining({ apId })],
      [expect.objectContaining({ apId })],
    ]);
    expect(h.audit.statusesOf(e.eventId)).toEqual(['FAILED', 'RETRY', 'APPLIED']);
    expect(h.audit.of(e.eventId)[1]).toMatchObject({
      reason: 'retry requested by test: controller fixed',
      operator: 'test',
    });

    // Only a FAILED apply takes retry or abandon.
    await expect(e.handle.executeUpdate(abandonUpdate, { args: [operator] })).rejects.toMatchObject({
      cause: { message: 'only a FAILED apply can be retried or abandoned; this event is monitor' },
    });
  });

  it('a radar move whose every attempt timed out ends FAILED, and its history replays', async () => {
    // Live, a local activity that timed out rejects with an ActivityFailure; replayed from its
    // marker, with the bare TimeoutFailure the marker holds. A worker replaying the run (another
    // worker after a lost task completion) must reach the same decision: FAILED, signed.
    const apId = h.newAp({ '5g': { channel: 52, width: 80 } });
    // One hold for each of the reflex's four attempts (WITHIN_CHANNEL_MOVE_TIME).
    const holds = [1, 2, 3, 4].map(() => h.controller.holdNextApply(apId));
    try {
      const e = await h.start({ type: 'DFS_RADAR', apId, data: { channel: 52 } });
      const failed = await h.statusWhen(e.eventId, (s) => s.outcome === 'FAILED', 30 * SECOND);
      expect(failed.reason).toMatch(/timed out/);
      expect(h.audit.statusesOf(e.eventId)).toEqual(['FAILED']);
      const history = await e.handle.fetchHistory();
      await expect(
        Worker.runReplayHistory({ workflowBundle: await workflowBundle() }, history, e.handle.workflowId),
      ).resolves.toBeUndefined();
    } finally {
      holds.forEach((held) => held.release('refuse'));
    }
  }, 60_000);

  it('a radar move retried by an operator plans around its closure without closing again', async () => {
    const apId = h.newAp({ '5g': { channel: 52, width: 80 } });
    h.controller.failNextApply(apId, { kind: 'ControllerRefused' });
    const e = await h.start({ type: 'DFS_RADAR', apId, data: { channel: 52 } });
    await h.statusWhen(e.eventId, (s) => s.outcome === 'FAILED');
    const closed = (await h.apState(apId)).closedChannels;
    expect(closed.map((c) => c.channel)).toEqual([52, 56, 60, 64]);

    await e.handle.executeUpdate(retryUpdate, { args: [{ ...operator, reason: 'controller fixed' }] });
    const moved = await h.statusWhen(e.eventId, (s) => s.stage === 'monitor');
    expect(moved.closedChannels).toEqual([52, 56, 60, 64]);
    expect(h.controller.radio(apId).channel).not.toBe(52);
    expect(h.audit.statusesOf(e.eventId)).toEqual(['CHANNELS_CLOSED', 'FAILED', 'RETRY', 'APPLIED']);
    // The Non-Occupancy Period still runs from the detection, not from the retry.
    expect((await h.apState(apId)).closedChannels).toEqual(closed);
    // A second reflex, under a change id of its own; the coordinator was told of the closure once,
    // with the refused move, and of the retried move without it.
    expect(
      callsWhere(h.activities.moveOffRadar, (r) => r.event.eventId === e.eventId).map(([r]) => r.changeId),
    ).toEqual([`${e.eventId}:reflex:1`, `${e.eventId}:reflex:2`]);
    const notices = callsWhere(h.activities.noticeRadarMove, (c) => c.apId === apId);
    expect(notices.map(([c]) => [c.move?.eventId, c.closure?.channels])).toEqual([
      [undefined, [52, 56, 60, 64]],
      [e.eventId, undefined],
    ]);
  });

  it('abandons a FAILED apply (three version conflicts in a row) for an operator', async () => {
    const apId = h.newAp();
    for (let i = 0; i < 3; i++) h.controller.failNextApply(apId, { kind: 'VersionConflict' });
    const e = await burst(apId);
    const failed = await h.statusWhen(e.eventId, (s) => s.outcome === 'FAILED');
    expect(failed.stage).toBe('apply');
    expect(failed.reason).toMatch(/^apply failed: VersionConflict: expected version 3: changed meanwhile$/);
    expect(callsOf(e.eventId)).toEqual([
      [`${e.eventId}:apply:1.0:0`, 1, 'VersionConflict'],
      [`${e.eventId}:apply:1.1:0`, 2, 'VersionConflict'],
      [`${e.eventId}:apply:1.2:0`, 3, 'VersionConflict'],
    ]);

    const abandoned = await e.handle.executeUpdate(abandonUpdate, {
      args: [{ ...operator, reason: 'not worth it' }],
    });
    expect(abandoned).toMatchObject({
      outcome: 'ABANDONED',
      reason: 'abandoned by test: not worth it',
      stage: 'done',
    });
    expect(h.audit.statusesOf(e.eventId)).toEqual(['FAILED', 'ABANDONED']);
    expect(h.audit.of(e.eventId)[1]).toMatchObject({ operator: 'test', configurationChanges: [] });
    expect(await describedStatus(e.eventId)).toBe('COMPLETED');
    expect(await e.handle.result()).toMatchObject({ outcome: 'ABANDONED' });
    expect(h.controller.radio(apId)).toMatchObject({ channel: 36, width: 80 });
  });

  async function describedStatus(eventId: string): Promise<string> {
    const handle = h.env.client.workflow.getHandle(`event:${eventId}`);
    for (let i = 0; i < 50; i++) {
      const { status } = await handle.describe();
      if (status.name !== 'RUNNING') return status.name;
      await new Promise((r) => setTimeout(r, 100));
    }
    return 'RUNNING';
  }
});
