// The floor page without a browser: its pure layout script as the page loads it (where APs go, channel
// colours, time left, the Web UI address), and the ingest's /ui/ routes behind the same tokens as the
// API: 401 for everything without a token, the token form as the body of a page's 401, the page's code
// only with a token. The page in a real browser: test/integration/floor-page.test.ts.
import { Client, Connection } from '@temporalio/client';
import { RrmClient } from '../../client/library';
import { buildIngestServer, type IngestServer } from '../../client/http-ingest/server';

// eslint-disable-next-line @typescript-eslint/no-require-imports -- the browser script as it is served
const layout = require('../../client/http-ingest/ui/layout.js') as {
  channelColour(radio: string, channel: number): string;
  placeAps(
    aps: { apId: string; position: { x: number; y: number } | null; neighbors: string[] }[],
    width: number,
    height: number,
    pad: number,
  ): { byId: Record<string, { x: number; y: number }>; placedBy: string };
  timeLeft(until: number, now: number): string;
  workflowUrl(webUi: string, namespace: string, workflowId: string): string;
  occupancy(aps: { radios: { radio: string; channel: number }[] }[]): unknown[];
};

const grid = (known: boolean) =>
  ['ap-01', 'ap-02', 'ap-03', 'ap-04'].map((apId, i) => ({
    apId,
    position: known ? { x: (i % 2) * 20, y: Math.floor(i / 2) * 10 } : null,
    neighbors: ['ap-01', 'ap-02', 'ap-03', 'ap-04'].filter((n) => n !== apId && (n < apId ? i % 2 : 1)),
  }));

describe('the floor page layout script', () => {
  it('places APs by their coordinates, proportions kept, when every AP has them', () => {
    const { byId, placedBy } = layout.placeAps(grid(true), 400, 400, 50);
    expect(placedBy).toBe('coordinates');
    // 20 m wide, 10 m deep: 300 px wide, 150 px deep, centred.
    expect(byId['ap-01']).toEqual({ x: 50, y: 125 });
    expect(byId['ap-02']).toEqual({ x: 350, y: 125 });
    expect(byId['ap-04']).toEqual({ x: 350, y: 275 });
  });

  it('lays out the neighbour graph without coordinates: inside the box, apart, the same every time', () => {
    const first = layout.placeAps(grid(false), 400, 400, 50);
    expect(first.placedBy).toBe('neighbour graph');
    expect(layout.placeAps(grid(false), 400, 400, 50)).toEqual(first);
    const points = Object.values(first.byId);
    expect(points).toHaveLength(4);
    for (const p of points) {
      expect(p.x).toBeGreaterThanOrEqual(50);
      expect(p.x).toBeLessThanOrEqual(350);
      expect(p.y).toBeGreaterThanOrEqual(50);
      expect(p.y).toBeLessThanOrEqual(350);
    }
    for (const [i, p] of points.entries())
      for (const q of points.slice(i + 1)) expect(Math.hypot(p.x - q.x, p.y - q.y)).toBeGreaterThan(40);
  });

  it('gives every 5 GHz channel a colour of its own, none of them red', () => {
    const channels = [36, 40, 44, 48, 52, 56, 60, 64, 100, 104, 108, 112, 116, 120, 124, 128, 132, 136, 140];
    const colours = channels.map((c) => layout.channelColour('5g', c));
    expect(new Set(colours).size).toBe(channels.length);
    for (const colour of [...colours, ...[1, 6, 11].map((c) => layout.channelColour('2g', c))]) {
      const hue = Number(/^hsl\((\d+),/.exec(colour)![1]);
      expect(hue > 15 && hue < 345).toBe(true);
    }
  });

  it('says the time left, the Web UI address of an event and the radios per channel', () => {
    expect(layout.timeLeft(42_000, 0)).toBe('42 s');
    expect(layout.timeLeft(1_745_000, 0)).toBe('29 min 5 s');
    expect(layout.timeLeft(0, 1)).toBe('');
    expect(layout.workflowUrl('http://localhost:8233/', 'default', 'event:sense:radar-1')).toBe(
      'http://localhost:8233/namespaces/default/workflows/event:sense:radar-1',
    );
    expect(
      layout.occupancy([
        {
          radios: [
            { radio: '5g', channel: 36 },
            { radio: '2g', channel: 6 },
          ],
        },
        {
          radios: [
            { radio: '5g', channel: 36 },
            { radio: '2g', channel: 1 },
          ],
        },
      ]),
    ).toEqual([
      { radio: '2g', channel: 1, count: 1 },
      { radio: '2g', channel: 6, count: 1 },
      { radio: '5g', channel: 36, count: 2 },
    ]);
  });
});

// A lazy connection to a closed port: the page's routes never need Temporal.
const rrm = new RrmClient(
  new Client({ connection: Connection.lazy({ address: '127.0.0.1:1', connectTimeout: 500 }) }),
  'unit-test',
);
const ui = { temporalWebUi: 'http://localhost:8233/', namespace: 'default' };

describe('the /ui/ routes', () => {
  let closed: IngestServer;
  let open: IngestServer;
  let base: string;
  let openBase: string;
  beforeAll(async () => {
    closed = buildIngestServer({ rrm, credentials: { sharedToken: 's3cret' }, processMetrics: false, ui });
    open = buildIngestServer({ rrm, processMetrics: false, ui });
    base = await closed.listen({ port: 0, host: '127.0.0.1' });
    openBase = await open.listen({ port: 0, host: '127.0.0.1' });
  });
  afterAll(async () => {
    await closed.close();
    await open.close();
  });

  const get = (path: string, token?: string, at = base) =>
    fetch(`${at}${path}`, { headers: token ? { authorization: `Bearer ${token}` } : {} });

  it('answers the page 401 without a token, with the token form and no data or code of the page', async () => {
    for (const path of ['/ui/', '/ui']) {
      const res = await get(path);
      expect(res.status).toBe(401);
      expect(res.headers.get('www-authenticate')).toBe('Bearer realm="rrm"');
      expect(res.headers.get('content-type')).toMatch(/^text\/html/);
      const csp = res.headers.get('content-security-policy')!;
      expect(csp).toMatch(/default-src 'none'/);
      expect(csp).toMatch(/script-src 'sha256-[A-Za-z0-9+/=]+' blob:/);
      expect(csp).not.toMatch(/unsafe/);
      const html = await res.text();
      expect(html).toContain('<form id="signin"');
      expect(html).not.toContain('/v1/floor');
    }
    expect((await get('/ui/', 'wrong')).status).toBe(401);
  });

  it('serves the page’s code and settings only with a token, and nothing else under /ui/', async () => {
    for (const path of ['/ui/app.js', '/ui/layout.js', '/ui/app.css', '/ui/settings.json']) {
      const refused = await get(path);
      expect({ path, status: refused.status }).toEqual({ path, status: 401 });
      expect(await refused.json()).toMatchObject({ error: 'unauthorized' });
      const served = await get(path, 's3cret');
      expect({ path, status: served.status }).toEqual({ path, status: 200 });
      expect(served.headers.get('x-content-type-options')).toBe('nosniff');
    }
    expect(await (await get('/ui/settings.json', 's3cret')).json()).toEqual({
      temporalWebUi: 'http://localhost:8233',
      namespace: 'default',
      pollSeconds: 2,
      feedEvents: 25,
    });
    for (const path of ['/ui/index.html', '/ui/..%2Fserver.ts', '/ui/ui.ts', '/ui/constructor']) {
      const res = await get(path, 's3cret');
      expect({ path, status: res.status }).toEqual({ path, status: 404 });
    }
    expect((await get('/ui/', 's3cret')).status).toBe(200);
  });

  it('serves the page to anyone only when the ingest itself is open to anyone', async () => {
    expect((await get('/ui/', undefined, openBase)).status).toBe(200);
    expect((await get('/ui/app.js', undefined, openBase)).status).toBe(200);
  });
});
