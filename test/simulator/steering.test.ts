// Clients view and BSS-transition steering over real HTTP: roamers hear a neighbour better than
// their own AP, steering them there improves their QoE, refusals name their reason, replays are
// idempotent by changeId.
import type { ClientView } from '../../simulator/types';
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

/** Clients that hear their best candidate better than their own AP. */
const roamersOf = (clients: ClientView[]): ClientView[] =>
  clients.filter((c) => c.candidates.length > 0 && c.candidates[0].rssiDbm > c.rssiDbm);

describe('clients view and steering', () => {
  const sim = useBuiltInSimulator();

  it('lists the associated clients with QoE, link, BTM support and candidates strongest first', async () => {
    const clients = await getClients(sim.url, 'ap-07');
    expect(clients).toHaveLength((await getMetrics(sim.url, 'ap-07')).clientCount);
    for (const c of clients) {
      expect(c).toEqual({
        clientId: expect.stringMatching(/^([0-9a-f]{2}:){5}[0-9a-f]{2}$/),
        qoe: expect.any(Number),
        rssiDbm: expect.any(Number),
        btmCapable: expect.any(Boolean),
        candidates: expect.any(Array),
      });
      const levels = c.candidates.map((n) => n.rssiDbm);
      expect(levels).toEqual([...levels].sort((a, b) => b - a));
      for (const n of c.candidates) {
        expect(n.rssiDbm).toBeGreaterThanOrEqual(-80);
        expect(n).toMatchObject({ apId: expect.stringMatching(/^ap-0[1-9]$/), admissionCap: null });
      }
    }
    // The floor has roamers: poor QoE, a neighbour heard far better.
    const roamers = roamersOf(clients);
    expect(roamers.length).toBeGreaterThan(0);
    for (const r of roamers) expect(r.qoe).toBeLessThan(0.5);
    // Most clients support BSS transition, not all (across the floor).
    const all = (
      await Promise.all([1, 2, 3, 4, 5, 6, 7, 8, 9].map((i) => getClients(sim.url, `ap-0${i}`)))
    ).flat();
    const share = all.filter((c) => c.btmCapable).length / all.length;
    expect(share).toBeGreaterThan(0.75);
    expect(share).toBeLessThan(0.97);
  });

  it('steering a roamer to the neighbour it hears best improves its QoE and moves the load', async () => {
    const roamer = roamersOf(await getClients(sim.url, 'ap-07')).find((c) => c.btmCapable)!;
    const target = roamer.candidates[0];
    const [sourceBefore, targetBefore] = await Promise.all([
      getMetrics(sim.url, 'ap-07'),
      getMetrics(sim.url, target.apId),
    ]);

    const res = await steerClients(sim.url, 'ap-07', {
      clientIds: [roamer.clientId],
      targetApId: target.apId,
      changeId: 's-1',
    });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      apId: 'ap-07',
      radio: '5g',
      changeId: 's-1',
      duplicate: false,
      steered: [roamer.clientId],
      refused: [],
    });

    const [sourceAfter, targetAfter] = await Promise.all([
      getMetrics(sim.url, 'ap-07'),
      getMetrics(sim.url, target.apId),
    ]);
    expect(sourceAfter.clientCount).toBe(sourceBefore.clientCount - 1);
    expect(targetAfter.clientCount).toBe(targetBefore.clientCount + 1);
    expect(sourceAfter.avgQoe).toBeGreaterThan(sourceBefore.avgQoe);
    expect(targetAfter.associationsPerMin).toBe(1);
    const moved = (await getClients(sim.url, target.apId)).find((c) => c.clientId === roamer.clientId)!;
    expect(moved.qoe).toBeGreaterThan(roamer.qoe + 0.3);
    expect(moved.rssiDbm).toBeCloseTo(target.rssiDbm, 0);
    // Steering is not a configuration change: no version bump.
    expect((await getAp(sim.url, 'ap-07')).version).toBe(1);
  });

  it('is idempotent by changeId; a changeId used elsewhere is refused', async () => {
    const roamer = roamersOf(await getClients(sim.url, 'ap-08')).find((c) => c.btmCapable)!;
    const body = { clientIds: [roamer.clientId], targetApId: roamer.candidates[0].apId, changeId: 's-dup' };
    const first = await steerClients(sim.url, 'ap-08', body);
    const replay = await steerClients(sim.url, 'ap-08', body);
    expect(replay.status).toBe(200);
    expect(replay.body).toEqual({ ...first.body, duplicate: true });
    expect((await getMetrics(sim.url, roamer.candidates[0].apId)).associationsPerMin).toBe(1);

    const elsewhere = await steerClients<SimErrorBody>(sim.url, 'ap-07', { ...body, targetApId: 'ap-08' });
    expect(elsewhere.status).toBe(409);
    expect(elsewhere.body.error).toBe('change_id_conflict');
    const asConfig = await changeRadio<SimErrorBody>(
      sim.url,
      'ap-08',
      { txPowerDbm: 15 },
      { changeId: 's-dup' },
    );
    expect(asConfig.status).toBe(409);
    expect(asConfig.body.message).toContain('changeId');
  });

  it('refuses each client with its reason and moves the others', async () => {
    const clients = await getClients(sim.url, 'ap-07');
    const nonBtm = clients.find((c) => !c.btmCapable)!;
    const nearHome = clients.find((c) => c.btmCapable && c.rssiDbm > -60)!;
    const roamer = roamersOf(clients).find((c) => c.btmCapable && c.candidates[0].apId === 'ap-08')!;
    const res = await steerClients(sim.url, 'ap-07', {
      clientIds: [nonBtm.clientId, 'aa:bb:cc:dd:ee:ff', roamer.clientId],
      targetApId: 'ap-08',
    });
    expect(res.status).toBe(200);
    expect(res.body.steered).toEqual([roamer.clientId]);
    expect(res.body.refused).toEqual([
      { clientId: nonBtm.clientId, reason: 'not_btm_capable' },
      { clientId: 'aa:bb:cc:dd:ee:ff', reason: 'not_associated' },
    ]);

    // ap-09 is 40 m from ap-07, across the floor: a client close to ap-07 hears it too weakly.
    const far = await steerClients(sim.url, 'ap-07', { clientIds: [nearHome.clientId], targetApId: 'ap-09' });
    expect(far.body.refused).toEqual([{ clientId: nearHome.clientId, reason: 'weak_signal' }]);

    const self = await steerClients(sim.url, 'ap-07', {
      clientIds: [nearHome.clientId],
      targetApId: 'ap-07',
    });
    expect(self.body.refused).toEqual([{ clientId: nearHome.clientId, reason: 'same_ap' }]);

    await simPost(sim.url, '/v1/inject/ap-failure', { apId: 'ap-04' });
    const down = await steerClients(sim.url, 'ap-07', {
      clientIds: [nearHome.clientId],
      targetApId: 'ap-04',
    });
    expect(down.body.refused).toEqual([{ clientId: nearHome.clientId, reason: 'target_down' }]);
  });

  it('answers 404 for an unknown target or radio, 400 naming bad fields', async () => {
    const unknown = await steerClients<SimErrorBody>(sim.url, 'ap-07', {
      clientIds: ['x'],
      targetApId: 'ap-99',
    });
    expect(unknown.status).toBe(404);
    expect(unknown.body.message).toContain('targetApId');
    const noBand = await steerClients<SimErrorBody>(
      sim.url,
      'ap-07',
      { clientIds: ['x'], targetApId: 'ap-08' },
      '6g',
    );
    expect(noBand.status).toBe(404); // ap-07 itself has no 6g radio
    for (const [body, path] of [
      [{ changeId: 'b', clientIds: [], targetApId: 'ap-08' }, 'clientIds'],
      [{ changeId: 'b', clientIds: ['x'] }, 'targetApId'],
      [{ clientIds: ['x'], targetApId: 'ap-08' }, 'changeId'],
    ] as const) {
      const res = await simRequest<SimErrorBody>(sim.url, 'POST', '/v1/aps/ap-07/radios/5g/steer', body);
      expect(res.status).toBe(400);
      expect(res.body.issues!.map((i) => i.path)).toContain(path);
    }
  });

  it('the roamers injection walks clients next to the neighbours: QoE collapses, steering restores it', async () => {
    const before = await getMetrics(sim.url, 'ap-07');
    const { roamers } = await simPost<{ roamers: string[] }>(sim.url, '/v1/inject/roamers', {
      apId: 'ap-07',
      count: 6,
    });
    expect(roamers).toHaveLength(6);
    const hit = await getMetrics(sim.url, 'ap-07');
    expect(hit.clientCount).toBe(before.clientCount);
    expect(hit.avgQoe).toBeLessThan(before.avgQoe - 0.1);

    const views = (await getClients(sim.url, 'ap-07')).filter((c) => roamers.includes(c.clientId));
    let steered = 0;
    for (const c of views.filter((v) => v.btmCapable && v.candidates.length > 0)) {
      const res = await steerClients(sim.url, 'ap-07', {
        clientIds: [c.clientId],
        targetApId: c.candidates[0].apId,
      });
      steered += res.body.steered.length;
    }
    expect(steered).toBeGreaterThan(0);
    expect((await getMetrics(sim.url, 'ap-07')).avgQoe).toBeGreaterThan(hit.avgQoe + 0.05);

    await simRequest(sim.url, 'DELETE', '/v1/inject/roamers');
    // Those not steered walked back: ap-07 is healthy again.
    expect((await getMetrics(sim.url, 'ap-07')).avgQoe).toBeGreaterThan(before.avgQoe - 0.02);
  });
});
