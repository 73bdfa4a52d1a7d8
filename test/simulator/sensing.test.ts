// Sensing over real HTTP: each condition kind appears with its condition and disappears with it,
// and each story piece of the built-in floor produces the detection it is meant for.
import { STORY } from '../../simulator/scenario';
import type { Detection } from '../../simulator/types';
import {
  changeRadio,
  getClients,
  getDetections,
  simPost,
  simRequest,
  useBuiltInSimulator,
} from '../support/sim-client';

type Kind = Detection['kind'];
const ofKind = <K extends Kind>(ds: Detection[], kind: K): Extract<Detection, { kind: K }>[] =>
  ds.filter((d): d is Extract<Detection, { kind: K }> => d.kind === kind);

describe('sensing conditions', () => {
  const sim = useBuiltInSimulator();

  it('reports nothing on the healthy floor', async () => {
    expect(await getDetections(sim.url)).toEqual([]);
  });

  it('spectrum_saturation and qoe with a strong interferer; both gone when it is switched off', async () => {
    await simPost(sim.url, '/v1/inject/interferer', { interfererId: 'video-bridge-1' });
    const ds = await getDetections(sim.url);
    const [sat] = ofKind(ds, 'spectrum_saturation');
    expect(sat).toMatchObject({ apId: 'ap-03', radio: '5g', channel: 44 });
    expect(sat.utilizationPct).toBeGreaterThanOrEqual(80);
    expect(sat.confidence).toBeGreaterThanOrEqual(0.8);
    const [qoe] = ofKind(ds, 'qoe');
    expect(qoe).toMatchObject({ apId: 'ap-03', radio: '5g' });
    expect(qoe.avgQoe).toBeLessThan(0.5);
    expect(qoe.clients.map((c) => c.clientId).sort()).toEqual(
      (await getClients(sim.url, 'ap-03')).map((c) => c.clientId).sort(),
    );
    for (const c of qoe.clients) expect(Object.keys(c).sort()).toEqual(['clientId', 'qoe']);
    expect(qoe.confidence).toBeGreaterThanOrEqual(0.5);

    await simRequest(sim.url, 'DELETE', '/v1/inject/interferer/video-bridge-1');
    expect(await getDetections(sim.url)).toEqual([]);
  });

  it('density_spike during a surge (with the associations per minute), gone when the surge ends', async () => {
    const { apId, radio, count } = STORY.densitySpike;
    await simPost(sim.url, '/v1/inject/client-surge', { apId, radio, count });
    const [spike] = ofKind(await getDetections(sim.url), 'density_spike');
    expect(spike).toMatchObject({ apId, radio, associationsPerMin: count, confidence: 1 });
    expect(spike.associatedClients).toBeGreaterThan(count);
    await simRequest(sim.url, 'DELETE', `/v1/inject/client-surge/${apId}`);
    expect(ofKind(await getDetections(sim.url), 'density_spike')).toEqual([]);
  });

  it('hw_failure while the AP has failed (not when merely admin down)', async () => {
    const { apId, component, detail } = STORY.hwFailure;
    await simPost(sim.url, '/v1/inject/ap-failure', { apId, component, detail });
    expect(ofKind(await getDetections(sim.url), 'hw_failure')).toEqual([
      { kind: 'hw_failure', apId, component, detail },
    ]);
    await simRequest(sim.url, 'DELETE', `/v1/inject/ap-failure/${apId}`);
    expect(await getDetections(sim.url)).toEqual([]);

    const ap = await simPost<{ version: number }>(sim.url, '/v1/aps/ap-02/admin', {
      changeId: 'a',
      expectedVersion: 1,
      adminStatus: 'DOWN',
    });
    expect(ap.version).toBe(2);
    expect(ofKind(await getDetections(sim.url), 'hw_failure')).toEqual([]);
  });

  it('power_budget while draw exceeds budget, gone once TX power fits', async () => {
    const { apId, budgetWatts } = STORY.powerBudget;
    await simPost(sim.url, '/v1/inject/power-budget', { apId, budgetWatts });
    expect(await getDetections(sim.url)).toEqual([
      { kind: 'power_budget', apId, budgetWatts, drawWatts: 13 },
    ]);
    expect((await changeRadio(sim.url, apId, { txPowerDbm: 16 })).status).toBe(200);
    expect(await getDetections(sim.url)).toEqual([]);
  });

  it('load_imbalance for a settled crowd (no density spike), gone when it leaves', async () => {
    const { apId, radio, count, settled } = STORY.loadImbalance;
    await simPost(sim.url, '/v1/inject/client-surge', { apId, radio, count, settled });
    const ds = await getDetections(sim.url);
    expect(ofKind(ds, 'density_spike')).toEqual([]);
    const [imbalance] = ofKind(ds, 'load_imbalance');
    expect(imbalance).toMatchObject({ apId, radio });
    expect(imbalance.clientCount).toBeGreaterThanOrEqual(2 * imbalance.neighborMeanClients);
    expect(imbalance.clientCount - imbalance.neighborMeanClients).toBeGreaterThanOrEqual(10);
    expect(imbalance.confidence).toBeGreaterThanOrEqual(0.5);
    await simRequest(sim.url, 'DELETE', '/v1/inject/client-surge');
    expect(await getDetections(sim.url)).toEqual([]);
  });

  it('qoe for the far-roamer AP of the story, gone when the roamers walk back', async () => {
    const { apId, radio, roamers } = STORY.qoe;
    const res = await simPost<{ roamers: string[] }>(sim.url, '/v1/inject/roamers', {
      apId,
      radio,
      count: roamers,
    });
    expect(res.roamers).toHaveLength(roamers);
    const [qoe] = ofKind(await getDetections(sim.url), 'qoe');
    expect(qoe).toMatchObject({ apId, radio });
    expect(qoe.avgQoe).toBeLessThan(0.5);
    await simRequest(sim.url, 'DELETE', '/v1/inject/roamers');
    expect(await getDetections(sim.url)).toEqual([]);
  });
});
