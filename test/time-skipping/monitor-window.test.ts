// The real windows on Temporal's time-skipping server: a 5-minute monitor sampled every 30 s, a
// rollback after two degraded samples, and the 30-minute Non-Occupancy Period after radar. The
// worker, simulator and PostgreSQL are real; only time is skipped.
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { bondedSubchannels } from '../../domain/regulatory';
import { STORY_INTERFERER } from '../../simulator/scenario';
import { simGet, simPost, getRadio } from '../support/sim-client';
import { eventually, startStack, type Stack } from '../support/stack';
import { startTimeSkipping } from '../support/time-skipping';

describe('monitor window and Non-Occupancy Period in skipped time', () => {
  let env: TestWorkflowEnvironment;
  let stack: Stack;
  beforeAll(async () => {
    env = await startTimeSkipping();
    stack = await startStack({
      temporal: {
        nativeConnection: env.nativeConnection,
        client: env.client,
        namespace: env.namespace ?? 'default',
      },
    });
    await simPost(stack.sim.url, '/v1/inject/interferer', { ...STORY_INTERFERER });
  });
  /** Submits with the test server's clock as the ingest time, so events are fresh in skipped time. */
  const submitNow = async (events: unknown[]) =>
    stack.rrm.submit(events, new Date(await env.currentTimeMs()));
  /** How long the event's workflow ran, in the server's (skipped) time. */
  const runTimeMs = async (eventId: string) => {
    const { startTime, closeTime } = await stack.rrm.eventHandle(eventId).describe();
    return closeTime!.getTime() - startTime.getTime();
  };

  afterAll(async () => {
    await stack?.stop();
    await env?.teardown();
  });

  it('watches a healthy change for the whole 5-minute window, one sample every 30 s', async () => {
    const apId = stack.ap('ap-03');
    const [submitted] = await submitNow([
      { type: 'NON_WIFI_BURST', apId, confidence: 0.9, data: { channel: 44 } },
    ]);
    const result = await stack.rrm.result(submitted.eventId);
    const elapsed = await runTimeMs(submitted.eventId);

    expect(result).toMatchObject({
      outcome: 'APPLIED',
      reason: 'monitor window passed without degradation',
      samples: 10,
    });
    expect(elapsed).toBeGreaterThanOrEqual(5 * 60_000);
    expect(elapsed).toBeLessThan(6 * 60_000);
    const statuses = await stack.query<{ execution_status: string }>(
      'select execution_status from audit_records where event_id = $1 order by chain_position',
      [submitted.eventId],
    );
    expect(statuses.map((r) => r.execution_status)).toEqual(['APPLIED', 'COMMITTED']);
  });

  it('rolls back after two consecutive degraded samples, one minute into the window', async () => {
    const apId = stack.ap('ap-07');
    const before = await getRadio(stack.sim.url, apId);
    const [submitted] = await submitNow([
      { type: 'NON_WIFI_BURST', apId, confidence: 0.9, data: { channel: before.channel } },
    ]);
    // Time stands still until we wait on a result, so the change is in place before any sample.
    let moved = before;
    while (moved.channel === before.channel) {
      await new Promise((r) => setTimeout(r, 100));
      moved = await getRadio(stack.sim.url, apId);
    }
    const ap = await simGet<{ x: number; y: number }>(stack.sim.url, `/v1/aps/${apId}`);
    await simPost(stack.sim.url, '/v1/inject/interferer', {
      interfererId: `jammer-${apId}`,
      type: 'jammer',
      radio: '5g',
      channels: bondedSubchannels('5g', moved.channel, moved.width as 40, 'US'),
      dutyCyclePct: 95,
      powerDbm: 20,
      x: ap.x + 2,
      y: ap.y + 2,
    });
    const result = await stack.rrm.result(submitted.eventId);
    const elapsed = await runTimeMs(submitted.eventId);

    expect(result.outcome).toBe('ROLLED_BACK');
    expect(result.samples).toBe(2);
    expect(elapsed).toBeGreaterThanOrEqual(60_000);
    expect(elapsed).toBeLessThan(90_000);
    expect(await getRadio(stack.sim.url, apId)).toMatchObject({
      channel: before.channel,
      width: before.width,
    });
  });

  it('keeps the radar channel and its bonded siblings closed for 30 minutes, then reopens them', async () => {
    const apId = stack.ap('ap-05');
    await simPost(stack.sim.url, '/v1/inject/radar', { channel: 56 });
    const [submitted] = await submitNow([{ type: 'DFS_RADAR', apId, data: { channel: 56 } }]);
    const radarAt = await env.currentTimeMs();
    // Queries do not let time skip: wait in real time until the move is made and monitored.
    await eventually(async () =>
      (await stack.rrm.status(submitted.eventId)).stage === 'monitor' ? true : undefined,
    );
    expect(await stack.rrm.status(submitted.eventId)).toMatchObject({ closedChannels: [52, 56, 60, 64] });

    await env.sleep(radarAt + 29 * 60_000 - (await env.currentTimeMs()));
    expect((await stack.rrm.apState(apId)).closedChannels.map((c) => c.channel)).toEqual([52, 56, 60, 64]);
    expect(await stack.rrm.result(submitted.eventId)).toMatchObject({ outcome: 'APPLIED' }); // window long over

    await env.sleep(2 * 60_000);
    expect((await stack.rrm.apState(apId)).closedChannels).toEqual([]);
  });
});
