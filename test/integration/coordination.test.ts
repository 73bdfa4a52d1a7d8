// One action per radio at a time, on the real stack: severity order behind a watch, supersession at
// a safe point, the cooldown and its CRITICAL bypass, staleness, and the bounded queue.
import { fastSampling } from '../support/policy';
import { getRadio } from '../support/sim-client';
import { eventually, startStack, type Stack } from '../support/stack';
import { harmlessEvent, holdApWithChannelChange, inStage, statusWhen } from '../support/scenarios';

describe('coordination of one AP on the real stack', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack({ policy: fastSampling({ maxQueuePerAp: 4 }) });
  });
  afterAll(() => stack?.stop());

  const outcomeOf = (eventId: string) => statusWhen(stack, eventId, (s) => s.outcome !== undefined);

  it('lets events waiting for a watch take the turn in severity order, then detectedAt, then arrival', async () => {
    const apId = stack.ap('ap-03');
    const holder = await holdApWithChannelChange(stack, apId);
    const now = Date.now();
    const at = (secondsAgo: number) => new Date(now - secondsAgo * 1000).toISOString();
    const events = [
      await harmlessEvent(stack, apId, { eventId: `${apId}-low`, severity: 'LOW', detectedAt: at(9) }),
      await harmlessEvent(stack, apId, {
        eventId: `${apId}-medium-late`,
        severity: 'MEDIUM',
        detectedAt: at(2),
      }),
      await harmlessEvent(stack, apId, {
        eventId: `${apId}-medium-next`,
        severity: 'MEDIUM',
        detectedAt: at(2),
      }),
      await harmlessEvent(stack, apId, {
        eventId: `${apId}-medium-early`,
        severity: 'MEDIUM',
        detectedAt: at(5),
      }),
    ];
    // Arrival is the order in which requests reach the coordinator: each is queued before the next.
    for (const [i, e] of events.entries()) {
      await stack.rrm.submit([e]);
      await eventually(async () =>
        (await stack.rrm.apState(apId)).queue.length === i + 1 ? true : undefined,
      );
    }
    const queue = await eventually(async () => {
      const state = await stack.rrm.apState(apId);
      return state.radios['5g'].queue.length === 4 ? state.radios['5g'].queue : undefined;
    });
    expect(queue).toEqual([
      `${apId}-medium-early`,
      `${apId}-medium-late`,
      `${apId}-medium-next`,
      `${apId}-low`,
    ]);
    // Lower severities wait for the HIGH watch.
    expect((await stack.rrm.status(holder.eventId)).stage).toBe('monitor');

    await stack.rrm.commit(holder.eventId, { operator: 'test' });
    const decided = await Promise.all(queue.map((id) => outcomeOf(id)));
    expect(decided.map((s) => s.outcome)).toEqual(['NO_ACTION', 'NO_ACTION', 'NO_ACTION', 'NO_ACTION']);
    const order = [...decided]
      .sort((a, b) => Date.parse(a.decidedAt!) - Date.parse(b.decidedAt!))
      .map((s) => s.eventId);
    expect(order).toEqual(queue);
  });

  it('supersedes a watched action at its next safe point for a more severe event; the change stays', async () => {
    const apId = stack.ap('ap-07');
    const holder = await holdApWithChannelChange(stack, apId);
    const moved = await getRadio(stack.sim.url, apId);
    // An interferer elsewhere that its source reports CRITICAL: it takes the turn, then has nothing to do.
    const [critical] = await stack.rrm.submit([
      {
        type: 'NON_WIFI_BURST',
        severity: 'CRITICAL',
        apId,
        confidence: 0.9,
        data: { channel: moved.channel === 100 ? 132 : 100 },
      },
    ]);

    const superseded = await outcomeOf(holder.eventId);
    expect(superseded).toMatchObject({
      outcome: 'SUPERSEDED',
      reason: expect.stringContaining(critical.eventId),
    });
    expect(await getRadio(stack.sim.url, apId)).toMatchObject({ channel: moved.channel });
    expect(await outcomeOf(critical.eventId)).toMatchObject({ outcome: 'NO_ACTION' });
  });

  it('keeps 10 s between two actions on one AP, unless the later one is CRITICAL', async () => {
    const apId = stack.ap('ap-05');
    const first = await holdApWithChannelChange(stack, apId, { confidence: 0.6 }); // OBSS-PD tune
    await stack.rrm.commit(first.eventId, { operator: 'test' });
    const [second] = await stack.rrm.submit([
      { type: 'SPECTRUM_SAT', apId, confidence: 0.9, data: { utilizationPct: 90 } },
    ]);
    const tuned = await inStage(stack, second.eventId, 'monitor');
    expect(Date.parse(tuned.appliedAt!) - Date.parse(first.appliedAt!)).toBeGreaterThanOrEqual(10_000);

    await stack.rrm.commit(second.eventId, { operator: 'test' });
    const radio = await getRadio(stack.sim.url, apId);
    const [radar] = await stack.rrm.submit([{ type: 'DFS_RADAR', apId, data: { channel: radio.channel } }]);
    const moved = await inStage(stack, radar.eventId, 'monitor');
    expect(Date.parse(moved.appliedAt!) - Date.parse(tuned.appliedAt!)).toBeLessThan(10_000);
  });

  it('ends an event STALE when it is older than its TTL by the time its turn comes', async () => {
    const apId = stack.ap('ap-09');
    const old = new Date(Date.now() - 6 * 60_000).toISOString(); // NON_WIFI_BURST lives 5 min
    const [submitted] = await stack.rrm.submit([await harmlessEvent(stack, apId, { detectedAt: old })]);
    expect(await outcomeOf(submitted.eventId)).toMatchObject({ outcome: 'STALE' });
    const audit = await stack.query<{ execution_status: string }>(
      'select execution_status from audit_records where event_id = $1',
      [submitted.eventId],
    );
    expect(audit).toEqual([{ execution_status: 'STALE' }]);
  });

  it('drops the lowest-severity waiting event when the queue is full, and audits it', async () => {
    const apId = stack.ap('ap-08');
    const holder = await holdApWithChannelChange(stack, apId);
    const severities = ['MEDIUM', 'LOW', 'MEDIUM', 'MEDIUM', 'MEDIUM'];
    for (const [i, severity] of severities.entries()) {
      await stack.rrm.submit([await harmlessEvent(stack, apId, { eventId: `${apId}-q${i}`, severity })]);
    }
    const dropped = await outcomeOf(`${apId}-q1`);
    expect(dropped).toMatchObject({ outcome: 'REJECTED', reason: expect.stringContaining('queue') });
    expect((await stack.rrm.apState(apId)).radios['5g'].queue).toHaveLength(4);
    const audit = await stack.query<{ execution_status: string; reason: string }>(
      'select execution_status, reason from audit_records where event_id = $1',
      [`${apId}-q1`],
    );
    expect(audit).toEqual([{ execution_status: 'REJECTED', reason: dropped.reason }]);
    await stack.rrm.commit(holder.eventId, { operator: 'test' });
  });
});
