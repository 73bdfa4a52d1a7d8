// PoE budget over real HTTP: the AP's draw follows its TX power, a lower budget throttles it, and
// lowering TX power to fit the budget restores its throughput.
import type { PowerState } from '../../simulator/types';
import {
  changeRadio,
  getAp,
  meanMetrics,
  simPost,
  simRequest,
  type SimErrorBody,
  useBuiltInSimulator,
} from '../support/sim-client';

describe('PoE power budget', () => {
  const sim = useBuiltInSimulator();

  const setBudget = (apId: string, budgetWatts: number) =>
    simPost<{ apId: string; power: PowerState }>(sim.url, '/v1/inject/power-budget', { apId, budgetWatts });

  it('reports budget and draw; draw = 8 W + per radio 1.5 W + 0.25 W per dBm over 10 dBm', async () => {
    // 2g at 11 dBm, 5g at 17 dBm: 8 + 1.5 + 0.25 + 1.5 + 1.75.
    expect((await getAp(sim.url, 'ap-04')).power).toEqual({ budgetWatts: 25.5, drawWatts: 13 });
    expect((await changeRadio(sim.url, 'ap-04', { txPowerDbm: 21 })).status).toBe(200);
    expect((await getAp(sim.url, 'ap-04')).power.drawWatts).toBe(14);
  });

  it('over budget the AP throttles; lowering TX power to fit restores throughput', async () => {
    const normal = await meanMetrics(sim.url, 'ap-04');
    expect(await setBudget('ap-04', 12.95)).toEqual({
      apId: 'ap-04',
      power: { budgetWatts: 12.95, drawWatts: 13 },
    });
    const throttled = await meanMetrics(sim.url, 'ap-04');
    expect(throttled.throughputMbps).toBeLessThan(0.6 * normal.throughputMbps);

    expect((await changeRadio(sim.url, 'ap-04', { txPowerDbm: 16 })).status).toBe(200);
    expect((await getAp(sim.url, 'ap-04')).power).toEqual({ budgetWatts: 12.95, drawWatts: 12.75 });
    const fitted = await meanMetrics(sim.url, 'ap-04');
    expect(fitted.throughputMbps).toBeGreaterThan(1.6 * throttled.throughputMbps);
    expect(fitted.avgQoe).toBeGreaterThan(normal.avgQoe - 0.05);
  });

  it('DELETE restores the nominal budget; a bad budget is refused naming the field', async () => {
    await setBudget('ap-04', 10);
    const restored = await simRequest<{ power: PowerState }>(
      sim.url,
      'DELETE',
      '/v1/inject/power-budget/ap-04',
    );
    expect(restored.body.power.budgetWatts).toBe(25.5);
    const bad = await simRequest<SimErrorBody>(sim.url, 'POST', '/v1/inject/power-budget', {
      apId: 'ap-04',
      budgetWatts: 0,
    });
    expect(bad.status).toBe(400);
    expect(bad.body.issues!.map((i) => i.path)).toContain('budgetWatts');
    expect(
      (await simRequest(sim.url, 'POST', '/v1/inject/power-budget', { apId: 'ap-99', budgetWatts: 5 }))
        .status,
    ).toBe(404);
  });
});
