// The simulator's read API and its determinism, over real HTTP.
import { channelsOfBand } from '../../domain/regulatory';
import { startSimulator, type RunningSimulator } from '../../simulator/server';
import type { ApState, RadioMetrics } from '../../simulator/types';
import {
  changeRadio,
  getAp,
  getMetrics,
  getScan,
  simGet,
  simPost,
  simRequest,
  useBuiltInSimulator,
} from '../support/sim-client';

const withoutTime = ({ sampledAt: _t, ...rest }: RadioMetrics): Omit<RadioMetrics, 'sampledAt'> => rest;

async function sampleSequence(url: string): Promise<unknown[]> {
  const out: unknown[] = [];
  for (const apId of ['ap-01', 'ap-05', 'ap-09']) {
    for (let i = 0; i < 3; i++) out.push(withoutTime(await getMetrics(url, apId)));
    out.push(withoutTime(await getMetrics(url, apId, '2g')));
  }
  return out;
}

describe('simulator read API', () => {
  const sim = useBuiltInSimulator();

  it('answers healthz', async () => {
    expect(await simGet(sim.url, '/healthz')).toEqual({ ok: true });
  });

  it('lists the built-in floor: 9 APs with 2g and 5g radios, US, neighbours by range', async () => {
    const { aps } = await simGet<{ aps: ApState[] }>(sim.url, '/v1/aps');
    expect(aps.map((a) => a.apId)).toEqual([
      'ap-01',
      'ap-02',
      'ap-03',
      'ap-04',
      'ap-05',
      'ap-06',
      'ap-07',
      'ap-08',
      'ap-09',
    ]);
    for (const ap of aps) {
      expect(ap).toMatchObject({ status: 'UP', version: 1, regulatoryDomain: 'US' });
      expect(Object.keys(ap.radios).sort()).toEqual(['2g', '5g']);
      const total = ap.radios['2g']!.clientCount + ap.radios['5g']!.clientCount;
      expect(total).toBeGreaterThanOrEqual(10);
      expect(total).toBeLessThanOrEqual(30);
    }
    const center = aps.find((a) => a.apId === 'ap-05')!;
    expect(center.radios['5g']).toMatchObject({ band: '5g', channel: 52, width: 80, obssPdDbm: -82 });
    // The centre hears every AP of the grid; a corner does not hear the opposite corner (57 m).
    expect(center.neighbors).toHaveLength(8);
    expect(aps.find((a) => a.apId === 'ap-01')!.neighbors).not.toContain('ap-09');
  });

  it('returns 404 not_found for an unknown AP or a radio the AP lacks, 400 for a bad radio name', async () => {
    for (const path of ['/v1/aps/ap-99', '/v1/aps/ap-99/radios/5g/metrics', '/v1/aps/ap-99/changes']) {
      const res = await simRequest<{ error: string }>(sim.url, 'GET', path);
      expect(res.status).toBe(404);
      expect(res.body.error).toBe('not_found');
    }
    const noRadio = await simRequest<{ error: string; message: string }>(
      sim.url,
      'GET',
      '/v1/aps/ap-01/radios/6g/scan',
    );
    expect(noRadio.status).toBe(404);
    expect(noRadio.body.message).toMatch(/radio/);
    const bad = await simRequest<{ error: string; issues: Array<{ path: string }> }>(
      sim.url,
      'GET',
      '/v1/aps/ap-01/radios/7g/metrics',
    );
    expect(bad.status).toBe(400);
    expect(bad.body.issues[0].path).toBe('radio');
  });

  it('reports metrics in the documented shape', async () => {
    const m = await getMetrics(sim.url, 'ap-05');
    expect(m).toMatchObject({ apId: 'ap-05', radio: '5g', channel: 52, width: 80 });
    expect(Date.parse(m.sampledAt)).not.toBeNaN();
    for (const k of ['per', 'retryRate', 'avgQoe'] as const) {
      expect(m[k]).toBeGreaterThanOrEqual(0);
      expect(m[k]).toBeLessThanOrEqual(1);
    }
    expect(m.utilizationPct).toBeGreaterThan(0);
    expect(m.utilizationPct).toBeLessThanOrEqual(100);
    expect(m.clientCount).toBe((await getAp(sim.url, 'ap-05')).radios['5g']!.clientCount);
    // The radio's own airtime: beacons and management, and a share per client.
    expect(m.airtimePct).toBeCloseTo(5 + 1.5 * m.clientCount, 5);
    expect(m.clients.length).toBeGreaterThanOrEqual(m.clientCount);
    for (const c of m.clients) expect(c.clientId).toMatch(/^([0-9a-f]{2}:){5}[0-9a-f]{2}$/);
  });

  it('scans one entry per 20 MHz channel of the band', async () => {
    const scan = await getScan(sim.url, 'ap-01');
    expect(scan.regulatoryDomain).toBe('US');
    expect(scan.channels.map((c) => c.channel)).toEqual(channelsOfBand('5g', 'US'));
    const scan2g = await getScan(sim.url, 'ap-01', '2g');
    expect(scan2g.channels.map((c) => c.channel)).toEqual(channelsOfBand('2g', 'US'));
  });

  it("lists a 5 GHz radio's DFS channel states, and a CAC started by a move", async () => {
    const before = await simGet<{ transmitting: boolean; channels: { channel: number; state: string }[] }>(
      sim.url,
      '/v1/aps/ap-05/radios/5g/dfs',
    );
    expect(before.transmitting).toBe(true);
    expect(before.channels.find((c) => c.channel === 52)!.state).toBe('available');
    expect(before.channels.find((c) => c.channel === 100)!.state).toBe('usable');
    await changeRadio(sim.url, 'ap-05', { channel: 100, width: 40 });
    const during = await simGet<{ transmitting: boolean; cacUntil: string }>(
      sim.url,
      '/v1/aps/ap-05/radios/5g/dfs',
    );
    expect(during.transmitting).toBe(false);
    expect(Date.parse(during.cacUntil) - Date.now()).toBeGreaterThan(55_000);
    const twoG = await simRequest<{ error: string }>(sim.url, 'GET', '/v1/aps/ap-05/radios/2g/dfs');
    expect([twoG.status, twoG.body.error]).toEqual([422, 'invalid_radio']);
  });

  it('answers unknown routes with a JSON 404', async () => {
    const res = await simRequest<{ error: string }>(sim.url, 'GET', '/v1/nope');
    expect(res).toMatchObject({ status: 404, body: { error: 'not_found' } });
  });
});

describe('determinism from the seed', () => {
  let a: RunningSimulator;
  let b: RunningSimulator;
  let other: RunningSimulator;
  beforeAll(async () => {
    [a, b, other] = await Promise.all([
      startSimulator({ port: 0, seed: 1 }),
      startSimulator({ port: 0, seed: 1 }),
      startSimulator({ port: 0, seed: 2 }),
    ]);
  });
  afterAll(() => Promise.all([a.close(), b.close(), other.close()]));

  it('the same seed and call sequence give the same world and the same figures', async () => {
    expect(await simGet(a.url, '/v1/aps')).toEqual(await simGet(b.url, '/v1/aps'));
    expect(await sampleSequence(a.url)).toEqual(await sampleSequence(b.url));
  });

  it('another seed gives another client population', async () => {
    const clientsOf = async (url: string): Promise<string[][]> => {
      const out: string[][] = [];
      for (const apId of ['ap-01', 'ap-02', 'ap-03', 'ap-04', 'ap-05']) {
        out.push((await getMetrics(url, apId)).clients.map((c) => c.clientId));
      }
      return out;
    };
    expect(await clientsOf(a.url)).not.toEqual(await clientsOf(other.url));
  });

  it('successive samples wobble a little but never by much', async () => {
    const samples = await Promise.all(Array.from({ length: 5 }, () => getMetrics(a.url, 'ap-02')));
    const tput = samples.map((s) => s.throughputMbps);
    expect(new Set(tput).size).toBeGreaterThan(1);
    expect(Math.max(...tput) / Math.min(...tput)).toBeLessThan(1.1);
  });

  it('reset returns to the seeded initial world and sample sequence', async () => {
    const fresh = await startSimulator({ port: 0, seed: 1 });
    try {
      await changeRadio(a.url, 'ap-03', { channel: 36 });
      await simPost(a.url, '/v1/inject/radar', { channel: 100 });
      await simPost(a.url, '/v1/inject/interferer', { interfererId: 'video-bridge-1' });
      await simPost(a.url, '/v1/inject/client-surge', { apId: 'ap-02', count: 10 });
      await simPost(a.url, '/v1/inject/reset');
      expect(await simGet(a.url, '/v1/aps')).toEqual(await simGet(fresh.url, '/v1/aps'));
      expect(await simGet(a.url, '/v1/sensing')).toEqual({ detections: [] });
      expect(await simGet(a.url, '/v1/aps/ap-03/changes')).toEqual({ changes: [] });
      expect(await sampleSequence(a.url)).toEqual(await sampleSequence(fresh.url));
    } finally {
      await fresh.close();
    }
  });

  it('builds the floor for the EU domain too', async () => {
    const eu = await startSimulator({ port: 0, regulatoryDomain: 'EU' });
    try {
      const ap = await getAp(eu.url, 'ap-05');
      expect(ap.regulatoryDomain).toBe('EU');
      expect(ap.radios['5g']).toMatchObject({ channel: 52, width: 80 });
      expect((await getScan(eu.url, 'ap-05')).channels.map((c) => c.channel)).toEqual(
        channelsOfBand('5g', 'EU'),
      );
    } finally {
      await eu.close();
    }
  });
});

describe('request-hold test hooks', () => {
  const sim = useBuiltInSimulator();
  const holds = () =>
    simGet<{ changeHold: { waiting: number }; scanHold: { aps: string[]; waiting: number } }>(
      sim.url,
      '/v1/inject',
    );

  it('holds an AP’s scans until lifted, then answers them; other APs scan at once', async () => {
    await simPost(sim.url, '/v1/inject/scan-hold', { apId: 'ap-05' });
    let answered = false;
    const held = simRequest(sim.url, 'GET', '/v1/aps/ap-05/radios/5g/scan').then((r) => {
      answered = true;
      return r;
    });
    expect((await simRequest(sim.url, 'GET', '/v1/aps/ap-03/radios/5g/scan')).status).toBe(200);
    while ((await holds()).scanHold.waiting < 1) await new Promise((r) => setTimeout(r, 20));
    expect(answered).toBe(false);
    expect((await holds()).scanHold).toEqual({ aps: ['ap-05'], waiting: 1 });
    expect((await holds()).changeHold.waiting).toBe(0);
    expect(await simRequest(sim.url, 'DELETE', '/v1/inject/scan-hold?apId=ap-05')).toMatchObject({
      status: 200,
      body: { lifted: 1, scanHold: { aps: [], waiting: 0 } },
    });
    expect((await held).status).toBe(200);
  });

  it('refuses held scans with 503 when lifted with held=refuse', async () => {
    await simPost(sim.url, '/v1/inject/scan-hold', { apId: 'ap-01' });
    const held = simRequest<{ error: string }>(sim.url, 'GET', '/v1/aps/ap-01/radios/5g/scan');
    while ((await holds()).scanHold.waiting < 1) await new Promise((r) => setTimeout(r, 20));
    await simRequest(sim.url, 'DELETE', '/v1/inject/scan-hold?held=refuse');
    expect(await held).toMatchObject({ status: 503, body: { error: 'unavailable' } });
  });
});

describe('flapping-link test hook', () => {
  const sim = useBuiltInSimulator();

  it('answers every second controller request 503 until lifted; injections are not dropped', async () => {
    expect(await simPost(sim.url, '/v1/inject/flapping', {})).toEqual({ flapping: { every: 2, refused: 0 } });
    const statuses: number[] = [];
    for (let i = 0; i < 6; i++) statuses.push((await simRequest(sim.url, 'GET', '/v1/aps/ap-05')).status);
    expect(statuses).toEqual([200, 503, 200, 503, 200, 503]);
    expect(await simRequest(sim.url, 'DELETE', '/v1/inject/flapping')).toMatchObject({
      status: 200,
      body: { flapping: null, refused: 3 },
    });
    expect((await simRequest(sim.url, 'GET', '/v1/aps/ap-05')).status).toBe(200);
  });

  it('names the field of a bad setting', async () => {
    const res = await simRequest<{ message: string }>(sim.url, 'POST', '/v1/inject/flapping', { every: 1 });
    expect(res.status).toBe(400);
    expect(res.body.message).toContain('every');
  });
});
