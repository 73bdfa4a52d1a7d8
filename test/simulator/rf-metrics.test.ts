// The RF model seen through the API: interference and co-channel neighbours worsen a radio's
// figures, moving away restores them; scans and sensing see what the metrics feel.
import { startSimulator, type RunningSimulator } from '../../simulator/server';
import type { ClientSpec, Detection, ScenarioDefinition } from '../../simulator/types';
import {
  changeRadio,
  getAp,
  getMetrics,
  getScan,
  meanMetrics,
  simGet,
  simPost,
  simRequest,
  useBuiltInSimulator,
} from '../support/sim-client';

const capableClients = (n: number, x0: number): ClientSpec[] =>
  Array.from({ length: n }, (_, i) => ({
    x: x0 + (i % 5) - 2,
    y: Math.floor(i / 5) - 2,
    supportsDfs: true,
    supportsUnii3: true,
    maxWidth: 80,
  }));

/** "a" starts alone on 36/40; 149/40 is busy with a strong neighbour (10 m) and a weaker one (25 m). */
const busyNeighbours: ScenarioDefinition = {
  name: 'busy-neighbours',
  description: 'a on a clean channel; b (10 m) and c (25 m) share 149/40; all at 15 dBm',
  aps: [
    {
      apId: 'a',
      x: 0,
      y: 0,
      radios: { '5g': { channel: 36, width: 40, txPowerDbm: 15, clients: capableClients(15, 0) } },
    },
    {
      apId: 'b',
      x: 10,
      y: 0,
      radios: { '5g': { channel: 149, width: 40, txPowerDbm: 15, clients: capableClients(25, 10) } },
    },
    {
      apId: 'c',
      x: 0,
      y: 25,
      radios: { '5g': { channel: 149, width: 40, txPowerDbm: 15, clients: capableClients(25, 0) } },
    },
  ],
};

describe('RF model on the built-in floor', () => {
  const sim = useBuiltInSimulator();

  it('gives every 5 GHz radio healthy figures on its clean initial channel', async () => {
    for (let i = 1; i <= 9; i++) {
      const m = await getMetrics(sim.url, `ap-0${i}`);
      expect(m.per).toBeGreaterThanOrEqual(0.005);
      expect(m.per).toBeLessThanOrEqual(0.035);
      expect(m.retryRate).toBeLessThan(0.1);
      expect(m.avgQoe).toBeGreaterThan(0.8);
      expect(m.disconnectsPerMin).toBeLessThan(1);
      expect(m.throughputMbps).toBeGreaterThan(100);
    }
  });

  it('a strong interferer on the channel wrecks the radio; moving off restores it', async () => {
    const clean = await meanMetrics(sim.url, 'ap-03');
    const on = await simPost<{ interferer: { on: boolean; channels: number[] } }>(
      sim.url,
      '/v1/inject/interferer',
      {
        interfererId: 'video-bridge-1',
      },
    );
    expect(on.interferer).toMatchObject({ on: true, channels: [44, 48] });

    const hit = await meanMetrics(sim.url, 'ap-03');
    expect(hit.per).toBeGreaterThan(Math.max(0.1, 3 * clean.per));
    expect(hit.retryRate).toBeGreaterThan(2 * clean.retryRate);
    expect(hit.throughputMbps).toBeLessThan(0.5 * clean.throughputMbps);
    expect(hit.avgQoe).toBeLessThan(clean.avgQoe - 0.3);
    expect(hit.utilizationPct).toBeGreaterThan(clean.utilizationPct + 40);
    expect(hit.disconnectsPerMin).toBeGreaterThan(clean.disconnectsPerMin);
    // Its neighbours on other channels do not notice.
    expect((await meanMetrics(sim.url, 'ap-01')).per).toBeLessThan(0.035);

    expect((await changeRadio(sim.url, 'ap-03', { channel: 36 })).status).toBe(200);
    const moved = await meanMetrics(sim.url, 'ap-03');
    expect(moved.per).toBeLessThan(hit.per / 3);
    expect(moved.avgQoe).toBeGreaterThan(0.8);
    expect(moved.throughputMbps).toBeGreaterThan(0.9 * clean.throughputMbps);

    // Switched off, the old channel is clean again.
    await simRequest(sim.url, 'DELETE', '/v1/inject/interferer/video-bridge-1');
    expect((await changeRadio(sim.url, 'ap-03', { channel: 44 })).status).toBe(200);
    expect((await meanMetrics(sim.url, 'ap-03')).per).toBeLessThan(0.035);
  });

  it('an interferer on a secondary sub-channel hurts less than one on the primary', async () => {
    await simPost(sim.url, '/v1/inject/interferer', {
      interfererId: 'secondary-only',
      type: 'video_bridge',
      radio: '5g',
      channels: [48],
      dutyCyclePct: 90,
      powerDbm: 20,
      x: 44,
      y: 4,
    });
    const secondary = await meanMetrics(sim.url, 'ap-03'); // ap-03 runs 44/40: 48 is its secondary
    expect((await changeRadio(sim.url, 'ap-03', { channel: 48 })).status).toBe(200); // primary 48, secondary 44
    const primary = await meanMetrics(sim.url, 'ap-03');
    expect(secondary.per).toBeLessThan(primary.per);
    expect(secondary.throughputMbps).toBeGreaterThan(primary.throughputMbps);
  });

  it('scans show the interferer and neighbours where they are, and client support per channel', async () => {
    await simPost(sim.url, '/v1/inject/interferer', { interfererId: 'video-bridge-1' });
    const near = await getScan(sim.url, 'ap-03');
    const at = (channel: number) => near.channels.find((c) => c.channel === channel)!;
    expect(at(44).nonWifiDutyCyclePct).toBeGreaterThanOrEqual(80);
    expect(at(48).nonWifiDutyCyclePct).toBeGreaterThanOrEqual(80);
    expect(at(36).nonWifiDutyCyclePct).toBe(0);
    // ap-06 (157/40) is ap-03's direct neighbour; ap-01 (36/40) is 40 m away, out of range.
    expect(at(157)).toMatchObject({ neighborCount: 1 });
    expect(at(157).strongestNeighborDbm!).toBeGreaterThan(-78);
    expect(at(36)).toMatchObject({ neighborCount: 0, strongestNeighborDbm: null });

    // ap-07, 57 m away, sees far less of it.
    const far = (await getScan(sim.url, 'ap-07')).channels.find((c) => c.channel === 44)!;
    expect(far.nonWifiDutyCyclePct).toBeLessThan(at(44).nonWifiDutyCyclePct / 2);

    // ap-05's clients include some without UNII-3: the scan says so, and moving there strands them.
    const scan5 = await getScan(sim.url, 'ap-05');
    const unii3 = scan5.channels.find((c) => c.channel === 149)!;
    expect(unii3.clientSupportPct).toBeLessThan(100);
    expect(scan5.channels.find((c) => c.channel === 36)!.clientSupportPct).toBe(100);
    const before = await getMetrics(sim.url, 'ap-05');
    expect((await changeRadio(sim.url, 'ap-05', { channel: 149 })).status).toBe(200);
    const after = await getMetrics(sim.url, 'ap-05');
    expect(after.clientCount).toBe(Math.round((before.clientCount * unii3.clientSupportPct) / 100));
    const stranded = after.clients.filter((c) => c.qoe < 0.3);
    expect(stranded).toHaveLength(before.clientCount - after.clientCount);
    expect(after.disconnectsPerMin).toBeGreaterThan(before.disconnectsPerMin);
  });

  it('sensing reports radar and interference on the APs whose channels they hit', async () => {
    expect(await simGet(sim.url, '/v1/sensing')).toEqual({ detections: [] });
    await simPost(sim.url, '/v1/inject/radar', { channel: 56 }); // a sub-channel of ap-05's 52/80
    await simPost(sim.url, '/v1/inject/interferer', { interfererId: 'video-bridge-1' });
    await simPost(sim.url, '/v1/inject/interferer', { interfererId: 'microwave-1' });
    const { detections } = await simGet<{ detections: Detection[] }>(sim.url, '/v1/sensing');

    expect(detections.filter((d) => d.kind === 'radar')).toEqual([
      { kind: 'radar', apId: 'ap-05', radio: '5g', channel: 56 },
    ]);
    const bridge = detections.filter((d) => d.kind === 'interference' && d.interfererType === 'video_bridge');
    expect(bridge).toHaveLength(1);
    expect(bridge[0]).toMatchObject({ apId: 'ap-03', radio: '5g', channel: 44, dutyCyclePct: 90 });
    if (bridge[0].kind !== 'interference') throw new Error('unreachable');
    expect(bridge[0].confidence).toBeGreaterThanOrEqual(0.8);
    expect(bridge[0].rssiDbm).toBeGreaterThan(-60);

    // The 50 % microwave next to ap-05 (2.4 GHz channel 11) is a medium-confidence detection.
    const oven = detections.find((d) => d.kind === 'interference' && d.apId === 'ap-05' && d.radio === '2g');
    expect(oven).toBeDefined();
    if (oven?.kind !== 'interference') throw new Error('unreachable');
    expect(oven.confidence).toBeGreaterThanOrEqual(0.5);
    expect(oven.confidence).toBeLessThan(0.8);

    // Radar is not part of the scan, but the radio on it suffers.
    expect(JSON.stringify(await getScan(sim.url, 'ap-05'))).not.toContain('radar');
    expect((await getMetrics(sim.url, 'ap-05')).avgQoe).toBeLessThan(0.5);
  });

  it('a client surge raises load and utilisation', async () => {
    const before = await getMetrics(sim.url, 'ap-02');
    const surge = await simPost<{ current: { clientCount: number } }>(sim.url, '/v1/inject/client-surge', {
      apId: 'ap-02',
      radio: '5g',
      count: 25,
    });
    expect(surge.current.clientCount).toBe(before.clientCount + 25);
    const after = await getMetrics(sim.url, 'ap-02');
    expect(after.clientCount).toBe(before.clientCount + 25);
    expect(after.utilizationPct).toBeGreaterThan(before.utilizationPct + 20);
    await simRequest(sim.url, 'DELETE', '/v1/inject/client-surge');
    expect((await getAp(sim.url, 'ap-02')).radios['5g']!.clientCount).toBe(before.clientCount);
  });
});

describe('RF model with co-channel neighbours (custom world)', () => {
  let sim: RunningSimulator;
  beforeAll(async () => {
    sim = await startSimulator({ port: 0, seed: 7, scenario: busyNeighbours });
  });
  afterAll(() => sim.close());
  beforeEach(() => simPost(sim.url, '/v1/inject/reset'));

  it('moving onto a busy channel worsens every figure; moving back restores them', async () => {
    const clean = await meanMetrics(sim.url, 'a');
    expect(clean.per).toBeLessThan(0.03);
    expect(clean.avgQoe).toBeGreaterThan(0.8);

    expect((await changeRadio(sim.url, 'a', { channel: 149 })).status).toBe(200);
    const busy = await meanMetrics(sim.url, 'a');
    expect(busy.per).toBeGreaterThan(clean.per * 1.5);
    expect(busy.retryRate).toBeGreaterThan(clean.retryRate * 1.5);
    expect(busy.throughputMbps).toBeLessThan(0.7 * clean.throughputMbps);
    expect(busy.avgQoe).toBeLessThan(clean.avgQoe - 0.15);
    expect(busy.utilizationPct).toBeGreaterThan(clean.utilizationPct + 30);

    expect((await changeRadio(sim.url, 'a', { channel: 36 })).status).toBe(200);
    const back = await meanMetrics(sim.url, 'a');
    expect(back.per).toBeLessThan(busy.per);
    expect(back.throughputMbps).toBeGreaterThan(0.95 * clean.throughputMbps);
    expect(back.avgQoe).toBeGreaterThan(clean.avgQoe - 0.03);
  });

  it('the scan sees both co-channel neighbours, the strong one strongest', async () => {
    const channel149 = (await getScan(sim.url, 'a')).channels.find((c) => c.channel === 149)!;
    expect(channel149.neighborCount).toBe(2);
    expect(channel149.strongestNeighborDbm!).toBeGreaterThan(-70);
    expect((await getAp(sim.url, 'a')).neighbors.sort()).toEqual(['b', 'c']);
  });

  it('a neighbour going down frees its airtime', async () => {
    expect((await changeRadio(sim.url, 'a', { channel: 149 })).status).toBe(200);
    const busy = await meanMetrics(sim.url, 'a');
    await simPost(sim.url, '/v1/inject/ap-failure', { apId: 'b' });
    const freed = await meanMetrics(sim.url, 'a');
    expect(freed.throughputMbps).toBeGreaterThan(busy.throughputMbps * 1.2);
    expect(freed.utilizationPct).toBeLessThan(busy.utilizationPct);
  });

  it('raising OBSS-PD ignores the weak neighbour: less contention, slightly higher PER', async () => {
    // Only the weak neighbour c (25 m, about −80 dBm) shares the channel.
    await simPost(sim.url, '/v1/inject/ap-failure', { apId: 'b' });
    expect((await changeRadio(sim.url, 'a', { channel: 149 })).status).toBe(200);
    const base = await meanMetrics(sim.url, 'a', '5g', 5);
    // The 1:1 rule: OBSS-PD −78 caps TX power at 17 dBm, so the current 15 dBm may stay.
    expect((await changeRadio(sim.url, 'a', { obssPdDbm: -78 })).status).toBe(200);
    const reuse = await meanMetrics(sim.url, 'a', '5g', 5);
    expect(reuse.utilizationPct).toBeLessThan(base.utilizationPct - 5);
    expect(reuse.throughputMbps).toBeGreaterThan(base.throughputMbps * 1.05);
    expect(reuse.per).toBeGreaterThan(base.per);
    expect(reuse.per - base.per).toBeLessThan(0.02);
  });
});
