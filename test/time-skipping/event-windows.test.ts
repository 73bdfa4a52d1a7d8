// Each type's monitor window in skipped time (docs/policy.md): how long it watches, how often it
// samples, and what it does at the end. The stack is real; only time is skipped.
import { bondedSubchannels } from '../../domain/regulatory';
import { STORY } from '../../simulator/scenario';
import type { EventStatus } from '../../workflows/contract';
import { getRadio, simPost } from '../support/sim-client';
import { jamCurrentChannel, statusWhen } from '../support/scenarios';
import { useTimeSkippingStack } from '../support/time-skipping';

const MINUTE = 60_000;

describe('every type’s monitor window in skipped time', () => {
  // The density spike below must never end: on the wall clock the controller's trailing minute of
  // associations keeps the surge's, however long the test skips.
  const ts = useTimeSkippingStack({ controllerOnWallClock: true });

  /** Submits at the server's time, waits (real time) until it is monitored, then skips `skip`. */
  async function runThrough(event: Record<string, unknown>, skip: number, before?: () => Promise<void>) {
    const [submitted] = await ts.stack.rrm.submit([event], new Date(await ts.env.currentTimeMs()));
    await statusWhen(ts.stack, submitted.eventId, (s) => s.stage === 'monitor' || s.outcome !== undefined);
    await before?.();
    await ts.env.sleep(skip);
    return ts.stack.rrm.status(submitted.eventId);
  }
  const watchedFor = (s: EventStatus) => Date.parse(s.decidedAt!) - Date.parse(s.appliedAt!);

  it('SPECTRUM_SAT: 10 minutes, 20 samples, then kept', async () => {
    const status = await runThrough(
      { type: 'SPECTRUM_SAT', apId: ts.stack.ap('ap-06'), data: {} },
      11 * MINUTE,
    );
    expect(status).toMatchObject({ outcome: 'APPLIED', actionType: 'OBSS_PD_TUNE', samples: 20 });
    expect(watchedFor(status)).toBeGreaterThanOrEqual(10 * MINUTE);
    expect(watchedFor(status)).toBeLessThan(10 * MINUTE + 30_000);
  });

  it('QOE_DEGRADATION: 5 minutes, 10 samples', async () => {
    const clients = [0.1, 0.2, 0.3, 0.9].map((qoe, i) => ({ clientId: `02:00:00:bb:00:0${i}`, qoe }));
    const status = await runThrough(
      { type: 'QOE_DEGRADATION', apId: ts.stack.ap('ap-08'), data: { clients } },
      6 * MINUTE,
    );
    expect(status).toMatchObject({ outcome: 'APPLIED', actionType: 'CHANNEL_CHANGE', samples: 10 });
    expect(watchedFor(status)).toBeGreaterThanOrEqual(5 * MINUTE);
    expect(watchedFor(status)).toBeLessThan(5 * MINUTE + 30_000);
  });

  it('LOAD_IMBALANCE: 5 minutes, 10 samples', async () => {
    const apId = ts.stack.ap(STORY.loadImbalance.apId);
    await simPost(ts.stack.sim.url, '/v1/inject/client-surge', {
      apId,
      radio: '5g',
      count: 25,
      settled: true,
    });
    const status = await runThrough({ type: 'LOAD_IMBALANCE', apId }, 6 * MINUTE);
    expect(status).toMatchObject({ outcome: 'APPLIED', actionType: 'CLIENT_STEERING', samples: 10 });
    expect(watchedFor(status)).toBeGreaterThanOrEqual(5 * MINUTE);
  });

  it('POWER_BUDGET_EXCEEDED: degradation in its window is reported, never rolled back', async () => {
    const apId = ts.stack.ap(STORY.powerBudget.apId);
    await simPost(ts.stack.sim.url, '/v1/inject/power-budget', {
      apId,
      budgetWatts: STORY.powerBudget.budgetWatts,
    });
    const status = await runThrough({ type: 'POWER_BUDGET_EXCEEDED', apId }, 6 * MINUTE, () =>
      jamCurrentChannel(ts.stack, apId),
    );
    expect(status).toMatchObject({ outcome: 'APPLIED', actionType: 'TX_POWER_REDUCTION' });
    expect(status.reason).toContain('automatic rollback is off');
    expect(status.findings.length).toBeGreaterThan(0);
  });

  it('DENSITY_SPIKE: a spike that never ends is capped for the 30-minute maximum, then lifted', async () => {
    const apId = ts.stack.ap(STORY.densitySpike.apId);
    await simPost(ts.stack.sim.url, '/v1/inject/client-surge', { apId, radio: '5g', count: 30 });
    const status = await runThrough({ type: 'DENSITY_SPIKE', apId }, 31 * MINUTE);
    expect(status).toMatchObject({ outcome: 'APPLIED', actionType: 'ADMISSION_CONTROL' });
    expect(status.reason).toContain("lifted at the window's end");
    expect(watchedFor(status)).toBeGreaterThanOrEqual(30 * MINUTE);
    expect((await getRadio(ts.stack.sim.url, apId)).admissionCap).toBeNull();
  });

  it('HW_FAILURE: no window and no rollback token', async () => {
    const apId = ts.stack.ap(STORY.hwFailure.apId);
    await simPost(ts.stack.sim.url, '/v1/inject/ap-failure', { apId });
    const status = await runThrough({ type: 'HW_FAILURE', apId }, MINUTE);
    expect(status).toMatchObject({ outcome: 'APPLIED', actionType: 'FAILOVER', samples: 0 });
    expect(status.rollbackToken).toBeUndefined();
    expect(watchedFor(status)).toBeLessThan(30_000);
  });

  it('DFS_RADAR: a new channel that degrades is replaced by a fresh selection, never the radar channel', async () => {
    const apId = ts.stack.ap('ap-05');
    await simPost(ts.stack.sim.url, '/v1/inject/radar', { channel: 52 });
    let firstMove = 0;
    const status = await runThrough(
      { type: 'DFS_RADAR', apId, data: { channel: 52 } },
      3 * MINUTE,
      async () => {
        firstMove = (await getRadio(ts.stack.sim.url, apId)).channel;
        await jamCurrentChannel(ts.stack, apId);
      },
    );
    const now = await getRadio(ts.stack.sim.url, apId);
    expect(now.channel).not.toBe(firstMove);
    expect(bondedSubchannels('5g', now.channel, now.width, 'US').some((c) => c >= 52 && c <= 64)).toBe(false);
    expect(status.stage).toBe('monitor'); // watching the fresh selection
    const applied = await ts.stack.query<{ execution_status: string; degradation_detected: boolean }>(
      `select execution_status, degradation_detected from audit_records where event_id = $1 and execution_status = 'APPLIED'
        order by chain_position`,
      [status.eventId],
    );
    expect(applied.map((r) => r.degradation_detected)).toEqual([false, true]);
  });
});
