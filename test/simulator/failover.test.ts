// AP admin state and failover over real HTTP: the admin endpoint (idempotent, compare-and-set,
// usable on a failed AP), clients roaming to the neighbour they hear best when their AP leaves
// service and returning when it is back, and a neighbour's TX power raise covering them.
import { startSimulator } from '../../simulator/server';
import type { AdminResult, ApState } from '../../simulator/types';
import {
  changeRadio,
  getAp,
  getClients,
  getMetrics,
  meanQoeOf,
  setAdminStatus,
  simPost,
  simRequest,
  type SimErrorBody,
  useBuiltInSimulator,
} from '../support/sim-client';

const FAILED = 'ap-09';
const COVER = ['ap-05', 'ap-06', 'ap-08'];

describe('admin state and failover', () => {
  const sim = useBuiltInSimulator();

  const clientIdsOf = async (apId: string): Promise<string[]> =>
    (await getClients(sim.url, apId)).map((c) => c.clientId);

  it('marks an AP down and up: version bumped, idempotent by changeId, compare-and-set', async () => {
    expect(await getAp(sim.url, 'ap-02')).toMatchObject({ status: 'UP', adminStatus: 'UP', version: 1 });
    const body = { changeId: 'adm-1', expectedVersion: 1, adminStatus: 'DOWN' };
    const down = await simRequest<AdminResult>(sim.url, 'POST', '/v1/aps/ap-02/admin', body);
    expect(down.status).toBe(200);
    expect(down.body).toEqual({
      apId: 'ap-02',
      changeId: 'adm-1',
      version: 2,
      duplicate: false,
      previous: { adminStatus: 'UP' },
      current: { adminStatus: 'DOWN' },
      appliedAt: expect.any(String),
    });
    const replay = await simRequest<AdminResult>(sim.url, 'POST', '/v1/aps/ap-02/admin', body);
    expect(replay.body).toEqual({ ...down.body, duplicate: true });
    expect(await getAp(sim.url, 'ap-02')).toMatchObject({ status: 'UP', adminStatus: 'DOWN', version: 2 });

    const stale = await setAdminStatus<SimErrorBody>(sim.url, 'ap-02', 'UP', { expectedVersion: 1 });
    expect(stale.status).toBe(409);
    expect(stale.body).toMatchObject({ error: 'version_conflict', currentVersion: 2 });

    const bad = await simRequest<SimErrorBody>(sim.url, 'POST', '/v1/aps/ap-02/admin', {
      changeId: 'adm-2',
      expectedVersion: 2,
      adminStatus: 'OFF',
    });
    expect(bad.status).toBe(400);
    expect(bad.body.issues!.map((i) => i.path)).toContain('adminStatus');

    // An admin-down AP serves nobody (no radio figures) but still takes configuration.
    expect((await simRequest(sim.url, 'GET', '/v1/aps/ap-02/radios/5g/metrics')).status).toBe(503);
    expect((await changeRadio(sim.url, 'ap-02', { txPowerDbm: 15 })).status).toBe(200);
    expect((await setAdminStatus(sim.url, 'ap-02', 'UP')).status).toBe(200);
    expect((await getAp(sim.url, 'ap-02')).version).toBe(4);
    expect((await simRequest(sim.url, 'GET', '/v1/aps/ap-02/radios/5g/metrics')).status).toBe(200);
  });

  it('can mark a failed AP down (failover), unlike a radio config change', async () => {
    await simPost(sim.url, '/v1/inject/ap-failure', { apId: FAILED });
    expect((await changeRadio<SimErrorBody>(sim.url, FAILED, { txPowerDbm: 15 })).body.error).toBe('ap_down');
    const res = await setAdminStatus<AdminResult>(sim.url, FAILED, 'DOWN');
    expect(res.status).toBe(200);
    expect(await getAp(sim.url, FAILED)).toMatchObject({ status: 'DOWN', adminStatus: 'DOWN', version: 2 });
    // Recovered but still administratively down: it stays out of service until marked up.
    await simRequest(sim.url, 'DELETE', `/v1/inject/ap-failure/${FAILED}`);
    expect((await simRequest(sim.url, 'GET', `/v1/aps/${FAILED}/radios/5g/metrics`)).status).toBe(503);
  });

  it('clients of a failed AP roam to the neighbours they hear best and return when it recovers', async () => {
    const mine = await clientIdsOf(FAILED);
    const before = Object.fromEntries(
      await Promise.all(COVER.map(async (id) => [id, (await getAp(sim.url, id)).radios['5g']!.clientCount])),
    );
    const failed = await simPost<ApState>(sim.url, '/v1/inject/ap-failure', { apId: FAILED });
    expect(failed.status).toBe('DOWN');
    expect(failed.radios['5g']!.clientCount).toBe(0);

    const roamed = (await Promise.all(COVER.map((id) => clientIdsOf(id))))
      .flat()
      .filter((c) => mine.includes(c));
    expect(roamed.sort()).toEqual([...mine].sort());
    const gained = await Promise.all(
      COVER.map(async (id) => (await getAp(sim.url, id)).radios['5g']!.clientCount - before[id]),
    );
    expect(gained.reduce((s, n) => s + n, 0)).toBe(mine.length);
    for (const id of COVER) {
      const view = (await getClients(sim.url, id)).filter((c) => mine.includes(c.clientId));
      // Each went to the AP it hears best: none lists a stronger candidate.
      for (const c of view) expect(c.candidates.every((n) => n.rssiDbm <= c.rssiDbm)).toBe(true);
    }

    await simRequest(sim.url, 'DELETE', `/v1/inject/ap-failure/${FAILED}`);
    expect((await clientIdsOf(FAILED)).sort()).toEqual([...mine].sort());
    for (const id of COVER) expect((await getAp(sim.url, id)).radios['5g']!.clientCount).toBe(before[id]);
  });

  it("raising the neighbours' TX power improves the roamed clients' QoE (coverage)", async () => {
    const mine = await clientIdsOf(FAILED);
    const healthy = await meanQoeOf(sim.url, mine, [FAILED]);
    await simPost(sim.url, '/v1/inject/ap-failure', { apId: FAILED });
    const roamed = await meanQoeOf(sim.url, mine, COVER);
    expect(roamed).toBeLessThan(healthy - 0.1);

    for (const id of ['ap-06', 'ap-08']) {
      expect((await changeRadio(sim.url, id, { txPowerDbm: 21 })).status).toBe(200);
    }
    const covered = await meanQoeOf(sim.url, mine, COVER);
    expect(covered).toBeGreaterThan(roamed + 0.05);
    expect((await getMetrics(sim.url, 'ap-08')).associationsPerMin).toBeGreaterThan(0);
  });

  it('an admin-down AP sends its clients away just the same', async () => {
    const mine = await clientIdsOf('ap-05');
    expect((await setAdminStatus(sim.url, 'ap-05', 'DOWN')).status).toBe(200);
    const elsewhere = (
      await Promise.all(
        ['ap-01', 'ap-02', 'ap-03', 'ap-04', 'ap-06', 'ap-07', 'ap-08', 'ap-09'].map(clientIdsOf),
      )
    )
      .flat()
      .filter((c) => mine.includes(c));
    expect(elsewhere.length).toBeGreaterThan(mine.length / 2);
    expect((await setAdminStatus(sim.url, 'ap-05', 'UP')).status).toBe(200);
    expect((await clientIdsOf('ap-05')).sort()).toEqual([...mine].sort());
  });
});

describe('steering towards an AP without the band', () => {
  it('is refused with 422 naming targetApId', async () => {
    const sim = await startSimulator({
      port: 0,
      scenario: {
        name: 'mixed',
        description: 'a has 2g and 5g, b only 5g',
        aps: [
          {
            apId: 'a',
            x: 0,
            y: 0,
            radios: {
              '2g': { channel: 1, width: 20, txPowerDbm: 11, clients: 3 },
              '5g': { channel: 36, width: 40, txPowerDbm: 17 },
            },
          },
          { apId: 'b', x: 10, y: 0, radios: { '5g': { channel: 149, width: 40, txPowerDbm: 17 } } },
        ],
      },
    });
    try {
      const [client] = await getClients(sim.url, 'a', '2g');
      const res = await simRequest<SimErrorBody>(sim.url, 'POST', '/v1/aps/a/radios/2g/steer', {
        changeId: 'x',
        clientIds: [client.clientId],
        targetApId: 'b',
      });
      expect(res.status).toBe(422);
      expect(res.body).toMatchObject({ error: 'invalid_target', field: 'targetApId' });
    } finally {
      await sim.close();
    }
  });
});
