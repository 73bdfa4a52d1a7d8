// Admission control on the simulated controller: the admissionCap config field, refusals of new
// associations beyond it (surges, steering), the association counters in the metrics.
import type { ConfigResult, RadioState } from '../../simulator/types';
import {
  changeRadio,
  getAp,
  getClients,
  getMetrics,
  simPost,
  simRequest,
  steerClients,
  type SimErrorBody,
  useBuiltInSimulator,
} from '../support/sim-client';

type SurgeResponse = { current: RadioState; admitted: number; refused: number };

describe('admission cap', () => {
  const sim = useBuiltInSimulator();

  const surge = (apId: string, count: number) =>
    simPost<SurgeResponse>(sim.url, '/v1/inject/client-surge', { apId, radio: '5g', count });

  it('is a radio config field: null by default, set and lifted like any change, idempotent', async () => {
    expect((await getAp(sim.url, 'ap-02')).radios['5g']!.admissionCap).toBeNull();
    const body = { changeId: 'cap-1', expectedVersion: 1, changes: { admissionCap: 12 } };
    const set = await simRequest<ConfigResult>(sim.url, 'POST', '/v1/aps/ap-02/radios/5g/config', body);
    expect(set.status).toBe(200);
    expect(set.body).toMatchObject({
      version: 2,
      previous: { admissionCap: null },
      current: { admissionCap: 12 },
    });
    const replay = await simRequest<ConfigResult>(sim.url, 'POST', '/v1/aps/ap-02/radios/5g/config', body);
    expect(replay.body).toEqual({ ...set.body, duplicate: true });
    expect((await getAp(sim.url, 'ap-02')).radios['5g']).toMatchObject({ admissionCap: 12, channel: 100 });

    const lifted = await changeRadio<ConfigResult>(sim.url, 'ap-02', { admissionCap: null });
    expect(lifted.body.current.admissionCap).toBeNull();
    expect((await getAp(sim.url, 'ap-02')).version).toBe(3);
  });

  it('refuses a cap that is not an integer ≥ 0, naming the field', async () => {
    for (const admissionCap of [-1, 2.5, 'ten']) {
      const res = await changeRadio<SimErrorBody>(sim.url, 'ap-02', { admissionCap } as never);
      expect(res.status).toBe(400);
      expect(res.body.issues!.map((i) => i.path)).toContain('changes.admissionCap');
    }
    expect((await getAp(sim.url, 'ap-02')).version).toBe(1);
  });

  it('refuses surge associations beyond the cap, keeps the existing clients, counts both per minute', async () => {
    const before = await getMetrics(sim.url, 'ap-02');
    expect(before).toMatchObject({ associationsPerMin: 0, admissionRefusalsPerMin: 0 });
    const cap = before.clientCount + 5;
    expect((await changeRadio(sim.url, 'ap-02', { admissionCap: cap })).status).toBe(200);

    const res = await surge('ap-02', 20);
    expect(res).toMatchObject({ admitted: 5, refused: 15, current: { clientCount: cap, admissionCap: cap } });
    const capped = await getMetrics(sim.url, 'ap-02');
    expect(capped).toMatchObject({ clientCount: cap, associationsPerMin: 5, admissionRefusalsPerMin: 15 });

    // A cap below the current count keeps everyone but admits nobody new.
    expect((await changeRadio(sim.url, 'ap-02', { admissionCap: 3 })).status).toBe(200);
    expect((await getMetrics(sim.url, 'ap-02')).clientCount).toBe(cap);
    expect(await surge('ap-02', 4)).toMatchObject({ admitted: 0, refused: 4 });

    // Lifted: the next arrivals associate again.
    expect((await changeRadio(sim.url, 'ap-02', { admissionCap: null })).status).toBe(200);
    expect(await surge('ap-02', 4)).toMatchObject({
      admitted: 4,
      refused: 0,
      current: { clientCount: cap + 4 },
    });
    expect(await getMetrics(sim.url, 'ap-02')).toMatchObject({
      associationsPerMin: 9,
      admissionRefusalsPerMin: 19,
    });
  });

  it('refuses steering into a full radio (target_full)', async () => {
    // ap-07's seeded roamer next to ap-08 hears it far better than its own AP.
    const roamer = (await getClients(sim.url, 'ap-07')).find(
      (c) => c.btmCapable && c.candidates[0]?.apId === 'ap-08' && c.candidates[0].rssiDbm > c.rssiDbm,
    )!;
    expect(roamer).toBeDefined();
    const full = (await getAp(sim.url, 'ap-08')).radios['5g']!.clientCount;
    expect((await changeRadio(sim.url, 'ap-08', { admissionCap: full })).status).toBe(200);
    const res = await steerClients(sim.url, 'ap-07', { clientIds: [roamer.clientId], targetApId: 'ap-08' });
    expect(res.body).toMatchObject({
      steered: [],
      refused: [{ clientId: roamer.clientId, reason: 'target_full' }],
    });
    expect((await getMetrics(sim.url, 'ap-08')).admissionRefusalsPerMin).toBe(1);
    expect(
      (await getClients(sim.url, 'ap-07')).find((c) => c.clientId === roamer.clientId)!.candidates[0],
    ).toMatchObject({ apId: 'ap-08', clientCount: full, admissionCap: full });
  });
});
