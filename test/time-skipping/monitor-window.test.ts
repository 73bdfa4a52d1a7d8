// The real windows on Temporal's time-skipping test server: a 5-minute monitor sampled every 30 s, a
// rollback after two degraded samples, and the 30-minute Non-Occupancy Period after radar. The
// worker, simulator and PostgreSQL are real; only time is skipped. Time skips only while the test
// sleeps on the server (`env.sleep`): everything else is waited for in real time.
import { STORY_INTERFERER } from '../../simulator/scenario';
import { getDfs, getRadio, simPost } from '../support/sim-client';
import { inStage, jamCurrentChannel } from '../support/scenarios';
import { useTimeSkippingStack } from '../support/time-skipping';

const MINUTE = 60_000;

describe('monitor window and Non-Occupancy Period in skipped time', () => {
  const ts = useTimeSkippingStack();
  beforeAll(() => simPost(ts.stack.sim.url, '/v1/inject/interferer', { ...STORY_INTERFERER }));

  const msBetween = (from?: string, to?: string) => Date.parse(to!) - Date.parse(from!);

  it('watches a healthy change for the whole 5-minute window, one sample every 30 s', async () => {
    const apId = ts.stack.ap('ap-03');
    const [submitted] = await ts.submitNow([
      { type: 'NON_WIFI_BURST', apId, confidence: 0.9, data: { channel: 44 } },
    ]);
    await inStage(ts.stack, submitted.eventId, 'monitor');
    await ts.env.sleep(6 * MINUTE);

    const status = await ts.stack.rrm.status(submitted.eventId);
    expect(status).toMatchObject({
      outcome: 'APPLIED',
      reason: 'monitor window passed without degradation',
      samples: 10,
    });
    expect(msBetween(status.appliedAt, status.decidedAt)).toBeGreaterThanOrEqual(5 * MINUTE);
    expect(msBetween(status.appliedAt, status.decidedAt)).toBeLessThan(5 * MINUTE + 30_000);
    const statuses = await ts.stack.query<{ execution_status: string }>(
      'select execution_status from audit_records where event_id = $1 order by chain_position',
      [submitted.eventId],
    );
    expect(statuses.map((r) => r.execution_status)).toEqual(['APPLIED', 'COMMITTED']);
  });

  it('rolls back after two consecutive degraded samples, one minute into the window that starts after the CAC', async () => {
    const apId = ts.stack.ap('ap-07');
    const before = await getRadio(ts.stack.sim.url, apId);
    const [submitted] = await ts.submitNow([
      { type: 'NON_WIFI_BURST', apId, confidence: 0.9, data: { channel: before.channel } },
    ]);
    const moved = await inStage(ts.stack, submitted.eventId, 'monitor');
    // ap-07's best way out is a DFS channel it has not checked: 60 s off the air first.
    expect(msBetween(moved.appliedAt, moved.cacUntil)).toBe(MINUTE);
    expect(await getDfs(ts.stack.sim.url, apId)).toMatchObject({ transmitting: false });
    await jamCurrentChannel(ts.stack, apId);
    await ts.env.sleep(4 * MINUTE);

    const status = await ts.stack.rrm.status(submitted.eventId);
    expect(status.outcome).toBe('ROLLED_BACK');
    expect(status.samples).toBe(2);
    expect(msBetween(status.appliedAt, status.decidedAt)).toBeGreaterThanOrEqual(2 * MINUTE);
    expect(msBetween(status.appliedAt, status.decidedAt)).toBeLessThan(2 * MINUTE + 30_000);
    expect(await getRadio(ts.stack.sim.url, apId)).toMatchObject({
      channel: before.channel,
      width: before.width,
    });
  });

  it('keeps the radar channel and its bonded siblings closed for 30 minutes, then reopens them', async () => {
    const apId = ts.stack.ap('ap-05');
    await simPost(ts.stack.sim.url, '/v1/inject/radar', { channel: 56 });
    const radarAt = await ts.env.currentTimeMs();
    const [submitted] = await ts.submitNow([{ type: 'DFS_RADAR', apId, data: { channel: 56 } }]);
    expect(await inStage(ts.stack, submitted.eventId, 'monitor')).toMatchObject({
      closedChannels: [52, 56, 60, 64],
    });

    await ts.env.sleep(radarAt + 29 * MINUTE - (await ts.env.currentTimeMs()));
    expect((await ts.stack.rrm.apState(apId)).closedChannels.map((c) => c.channel)).toEqual([52, 56, 60, 64]);
    expect(await ts.stack.rrm.status(submitted.eventId)).toMatchObject({ outcome: 'APPLIED' }); // window long over

    await ts.env.sleep(2 * MINUTE);
    expect((await ts.stack.rrm.apState(apId)).closedChannels).toEqual([]);
  });
});
