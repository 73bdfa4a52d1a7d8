// Per-radio turns on the real stack (docs/coordination.md): turns are held only through plan and
// apply, a monitored change is a watch that an equal or more severe event supersedes at once, lower
// ones wait for it, and a holder or watcher whose workflow has vanished is found and its turns
// reclaimed (audited), so no AP is ever stuck. Bounds are generous: they prove "does not wait for the
// window", not a speed.
import { eventWorkflowId } from '../../workflows/contract';
import { fastSampling } from '../support/policy';
import { getAp, getDfs, getRadio, simPost, simRequest } from '../support/sim-client';
import {
  harmlessEvent,
  holdApWithChannelChange,
  inStage,
  jamCurrentChannel,
  jamNonDfsChannels,
  radarInMonitor,
  statusWhen,
} from '../support/scenarios';
import { eventually, startStack, type Stack } from '../support/stack';

const LEASE_MS = 5_000;

describe('per-radio turns, watches and leases on the real stack', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack({
      policy: fastSampling({ cooldownMs: 1_000, coordinator: { leaseMs: LEASE_MS } }),
    });
  });
  afterAll(() => stack?.stop());

  const outcomeOf = (eventId: string, timeoutMs?: number) =>
    statusWhen(stack, eventId, (s) => s.outcome !== undefined, timeoutMs);
  const secondsSince = (t: number, iso?: string) => (Date.parse(iso!) - t) / 1000;
  const terminate = (eventId: string) =>
    stack.rrm.client.workflow.getHandle(eventWorkflowId(eventId)).terminate('test: the event vanished');
  const reclaims = (eventId: string) =>
    eventually(async () => {
      const rows = await stack.query<{ reason: string; details: { status: string } }>(
        `select reason, details from audit_records where event_id = $1 and execution_status = 'TURN_RECLAIMED'`,
        [eventId],
      );
      return rows.length ? rows : undefined;
    });

  /** The AP fails and its HW_FAILURE is applied within 10 s of submit (no window waited for). */
  async function failOver(failed: string) {
    await simPost(stack.sim.url, '/v1/inject/ap-failure', { apId: failed });
    const submittedAt = Date.now();
    const [failover] = await stack.rrm.submit([{ type: 'HW_FAILURE', apId: failed }]);
    const done = await outcomeOf(failover.eventId);
    expect(done.outcome).toBe('APPLIED');
    expect(secondsSince(submittedAt, done.appliedAt)).toBeLessThan(10);
    return done;
  }

  it('fails over without waiting for a CRITICAL radar move watched on the neighbour; the move is kept', async () => {
    const failed = stack.ap('ap-09');
    const neighbour = stack.ap('ap-05');
    expect((await getAp(stack.sim.url, failed)).neighbors).toContain(neighbour);
    const radar = await radarInMonitor(stack, neighbour);
    const moved = await getRadio(stack.sim.url, neighbour);

    const done = await failOver(failed);
    expect(done.changes.map((c) => c.param)).toContain(`${neighbour}.5g.txPowerDbm`);

    expect(await outcomeOf(radar.eventId)).toMatchObject({ outcome: 'SUPERSEDED' });
    expect((await getRadio(stack.sim.url, neighbour)).channel).toBe(moved.channel);
  });

  it('fails over without waiting for a HIGH channel change watched on the neighbour', async () => {
    const failed = stack.ap('ap-01');
    const neighbour = (await getAp(stack.sim.url, failed)).neighbors.find((n) => n !== stack.ap('ap-05'))!;
    const held = await holdApWithChannelChange(stack, neighbour);

    const done = await failOver(failed);
    expect(await outcomeOf(held.eventId)).toMatchObject({
      outcome: 'SUPERSEDED',
      reason: expect.stringContaining(done.eventId),
    });
  });

  it('acts on the 2.4 GHz radio at once while the 5 GHz radio of the same AP is watched', async () => {
    const apId = stack.ap('ap-03');
    const watched = await holdApWithChannelChange(stack, apId);
    const radio2g = await getRadio(stack.sim.url, apId, '2g');
    const submittedAt = Date.now();
    const [burst] = await stack.rrm.submit([
      { type: 'NON_WIFI_BURST', apId, radio: '2g', confidence: 0.6, data: { channel: radio2g.channel } },
    ]);
    const tuned = await inStage(stack, burst.eventId, 'monitor');
    expect(secondsSince(submittedAt, tuned.appliedAt)).toBeLessThan(10);
    expect(tuned.changes.map((c) => c.param)).toEqual(['obssPdDbm']); // the event's own radio: 2g
    expect((await stack.rrm.status(watched.eventId)).stage).toBe('monitor');

    const state = await stack.rrm.apState(apId);
    expect(state.radios['5g'].watch?.eventId).toBe(watched.eventId);
    expect(state.radios['2g'].watch?.eventId).toBe(burst.eventId);
    await stack.rrm.commit(watched.eventId, { operator: 'test' });
    await stack.rrm.commit(burst.eventId, { operator: 'test' });
  });

  it('keeps a LOW event waiting for a HIGH watch, while a HIGH event takes the radio at once', async () => {
    const apId = stack.ap('ap-07');
    const watched = await holdApWithChannelChange(stack, apId);
    const [low] = await stack.rrm.submit([await harmlessEvent(stack, apId, { severity: 'LOW' })]);
    await new Promise((r) => setTimeout(r, 3_000));
    expect(await stack.rrm.status(low.eventId)).toMatchObject({ stage: 'waiting' });
    const state = await stack.rrm.apState(apId);
    expect(state.radios['5g']).toMatchObject({ watch: { eventId: watched.eventId }, queue: [low.eventId] });
    // ap-07 moves onto a DFS channel it has not checked: watched for 5 minutes from the end of its CAC.
    expect(watched.cacUntil).toBeDefined();
    expect(await getDfs(stack.sim.url, apId)).toMatchObject({ transmitting: false });
    expect(Date.parse(watched.cacUntil!) - Date.parse(watched.appliedAt!)).toBe(60_000);
    expect(state.radios['5g'].watch!.until).toBe(Date.parse(watched.cacUntil!) + 5 * 60_000);

    const [high] = await stack.rrm.submit([await harmlessEvent(stack, apId, { severity: 'HIGH' })]);
    const highDone = await outcomeOf(high.eventId, 10_000);
    expect(highDone.outcome).toBe('NO_ACTION');
    expect(await outcomeOf(watched.eventId)).toMatchObject({
      outcome: 'SUPERSEDED',
      reason: expect.stringContaining(high.eventId),
    });
    const lowDone = await outcomeOf(low.eventId);
    expect(lowDone).toMatchObject({ outcome: 'NO_ACTION', waitedForWatchOf: watched.eventId });
    expect(highDone.waitedForWatchOf).toBeUndefined();
    expect(Date.parse(lowDone.decidedAt!)).toBeGreaterThanOrEqual(Date.parse(highDone.decidedAt!));
  });

  /** An event caught in its apply (the controller holds its change), then terminated. */
  async function terminatedInApply(apId: string): Promise<string> {
    await jamCurrentChannel(stack, apId);
    const radio = await getRadio(stack.sim.url, apId);
    await simPost(stack.sim.url, '/v1/inject/change-hold', { apId });
    const [holder] = await stack.rrm.submit([
      { type: 'NON_WIFI_BURST', apId, confidence: 0.9, data: { channel: radio.channel } },
    ]);
    await inStage(stack, holder.eventId, 'apply');
    await eventually(async () => {
      const { body } = await simRequest<{ changeHold: { waiting: number } }>(
        stack.sim.url,
        'GET',
        '/v1/inject',
      );
      return body.changeHold.waiting > 0 || undefined;
    });
    expect((await stack.rrm.apState(apId)).radios['5g'].holder?.eventId).toBe(holder.eventId);
    await terminate(holder.eventId);
    await simRequest(stack.sim.url, 'DELETE', `/v1/inject/change-hold?apId=${apId}&held=refuse`);
    return holder.eventId;
  }

  it('reclaims the turn of an event terminated in its apply: a MEDIUM event goes within the lease', async () => {
    const apId = stack.ap('ap-02');
    const vanished = await terminatedInApply(apId);
    const submittedAt = Date.now();
    const [medium] = await stack.rrm.submit([await harmlessEvent(stack, apId, { severity: 'MEDIUM' })]);
    const done = await outcomeOf(medium.eventId, 30_000);
    expect(done.outcome).toBe('NO_ACTION');
    expect(secondsSince(submittedAt, done.decidedAt)).toBeLessThan(LEASE_MS / 1000 + 5);
    const [row] = await reclaims(vanished);
    expect(row.reason).toContain('turn of 5g');
    expect(row.details.status).toContain('TERMINATED');
  });

  it('moves off radar within the Channel Move Time when the holder of the radio was terminated', async () => {
    const apId = stack.ap('ap-08');
    const { channel } = await getRadio(stack.sim.url, apId);
    expect(channel).toBe(108); // DFS
    const vanished = await terminatedInApply(apId);
    await simPost(stack.sim.url, '/v1/inject/radar', { channel });
    const submittedAt = Date.now();
    const [radar] = await stack.rrm.submit([{ type: 'DFS_RADAR', apId, data: { channel } }]);
    const moved = await inStage(stack, radar.eventId, 'monitor');
    expect(secondsSince(submittedAt, moved.appliedAt)).toBeLessThan(10);
    expect((await getRadio(stack.sim.url, apId)).channel).not.toBe(channel);
    await reclaims(vanished);
    await stack.rrm.commit(radar.eventId, { operator: 'test' });
  });

  it('reclaims the watch of a terminated watcher: a MEDIUM event goes within the lease, radar on its channel at once', async () => {
    const apId = stack.ap('ap-06');
    await jamNonDfsChannels(stack, apId);
    const watched = await holdApWithChannelChange(stack, apId);
    await terminate(watched.eventId);

    const submittedAt = Date.now();
    const [medium] = await stack.rrm.submit([await harmlessEvent(stack, apId, { severity: 'MEDIUM' })]);
    const done = await outcomeOf(medium.eventId, 30_000);
    expect(done.outcome).toBe('NO_ACTION');
    expect(secondsSince(submittedAt, done.decidedAt)).toBeLessThan(LEASE_MS / 1000 + 5);
    const [row] = await reclaims(watched.eventId);
    expect(row.reason).toContain('watch of 5g');

    // A second watcher, terminated too; radar on the channel it moved to goes at once.
    const again = await holdApWithChannelChange(stack, apId);
    const dfs = (await getRadio(stack.sim.url, apId)).channel;
    expect(dfs).toBeGreaterThanOrEqual(52); // the non-DFS channels are jammed
    await terminate(again.eventId);
    await simPost(stack.sim.url, '/v1/inject/radar', { channel: dfs });
    const radarAt = Date.now();
    const [radar] = await stack.rrm.submit([{ type: 'DFS_RADAR', apId, data: { channel: dfs } }]);
    const moved = await inStage(stack, radar.eventId, 'monitor');
    expect(secondsSince(radarAt, moved.appliedAt)).toBeLessThan(10);
    expect((await getRadio(stack.sim.url, apId)).channel).not.toBe(dfs);
    // The vanished watcher's watch ended with the move's notice: the radar's watch has the radio.
    expect((await stack.rrm.apState(apId)).radios['5g']).toMatchObject({
      holder: null,
      watch: { eventId: radar.eventId },
    });
    await stack.rrm.commit(radar.eventId, { operator: 'test' });
  });
});
