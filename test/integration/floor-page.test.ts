// The floor page (/ui/ of the HTTP ingest) in a real browser against the real stack: Debian's
// Chromium (scripts/test-tools.sh installs it) driven headless by playwright-core, which never
// downloads a browser of its own. The page refuses to show anything without the ingest's token, shows
// every AP of the built-in floor where the controller places it, turns ap-05's 5 GHz radio to its new
// channel's colour after a radar move sent through the ingest, and links the event to its workflow in
// the Temporal Web UI. A screenshot of the page is kept as an artefact of the run, in .local/ (ignored
// by git): .local/artefacts/floor.png.
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import type { FloorView } from '../../client/library';
import { buildIngestServer, type IngestServer } from '../../client/http-ingest/server';
import { BUILT_IN_SCENARIO } from '../../simulator/scenario';
import { inStage } from '../support/scenarios';
import { TOKEN } from '../support/ingest-on-stack';
import { getRadio, simPost } from '../support/sim-client';
import { startStack, type Stack } from '../support/stack';

const CHROMIUM = process.env.RRM_CHROMIUM || '/usr/bin/chromium';
const WEB_UI = 'http://localhost:8233';
const ARTEFACTS = join(process.env.RRM_STATE_DIR ?? join(__dirname, '../../.local'), 'artefacts');
const SCREENSHOT = join(ARTEFACTS, 'floor.png');

describe('the floor page in a real browser', () => {
  let stack: Stack;
  let server: IngestServer;
  let base: string;
  let profile: string;
  let browser: BrowserContext;
  let page: Page;

  beforeAll(async () => {
    stack = await startStack();
    server = buildIngestServer({
      rrm: stack.rrm,
      credentials: { sharedToken: TOKEN },
      taskQueue: stack.taskQueue,
      controller: { port: stack.controller, url: stack.sim.url },
      ui: { temporalWebUi: WEB_UI, namespace: 'default', pollSeconds: 1 },
    });
    base = await server.listen({ port: 0, host: '127.0.0.1' });
    // A fresh profile every run; nothing reaches beyond this machine.
    profile = mkdtempSync(join(tmpdir(), 'rrm-chromium-'));
    browser = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM,
      headless: true,
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
      viewport: { width: 1400, height: 1100 },
    });
    page = browser.pages()[0] ?? (await browser.newPage());
  });
  afterAll(async () => {
    await browser?.close();
    if (profile) rmSync(profile, { recursive: true, force: true });
    await server?.close();
    await stack?.stop();
  });

  const apIds = BUILT_IN_SCENARIO.aps.map((ap) => ap.apId);
  const api = (path: string, init: RequestInit = {}) =>
    fetch(`${base}${path}`, {
      ...init,
      headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json', ...init.headers },
    });
  const radio5g = (apId: string) => page.locator(`circle.radio[data-ap="${apId}"][data-radio="5g"]`);

  it('refuses to show the floor without the token', async () => {
    const answer = await page.goto(`${base}/ui/`);
    expect(answer?.status()).toBe(401);
    await page.locator('#signin').waitFor({ state: 'visible' });
    expect(await page.locator('#floor').count()).toBe(0);

    await page.fill('#token', 'not-the-token');
    await page.click('#signin-submit');
    await expect(page.locator('#signin-note').textContent()).resolves.toBe('The ingest refused this token.');
    await page.waitForTimeout(1_500);
    expect(await page.locator('#floor').count()).toBe(0);
    // The page's own calls without the token are refused too.
    const status = await page.evaluate(async () => (await fetch('/v1/floor')).status);
    expect(status).toBe(401);
  });

  it('with the token, shows every AP of the built-in floor where the controller places it', async () => {
    await page.fill('#token', TOKEN);
    await page.click('#signin-submit');
    const aps = page.locator('svg#floor g.ap');
    await aps.nth(apIds.length - 1).waitFor();
    const shown = await aps.evaluateAll((gs) => gs.map((g) => g.getAttribute('data-ap')));
    expect(shown.sort()).toEqual(apIds.map((id) => stack.ap(id)).sort());
    await expect(page.locator('#placed-by').textContent()).resolves.toContain('placed by coordinates');

    // The 3×3 grid as drawn: ap-01 left of ap-03 on the top row, ap-07 below ap-01.
    const at = async (apId: string) => {
      const box = (await page.locator(`g.ap[data-ap="${stack.ap(apId)}"]`).boundingBox())!;
      return { x: box.x + box.width / 2, y: box.y + box.height / 2 };
    };
    const [a1, a3, a7] = [await at('ap-01'), await at('ap-03'), await at('ap-07')];
    expect(a3.x - a1.x).toBeGreaterThan(100);
    expect(Math.abs(a3.y - a1.y)).toBeLessThan(5);
    expect(a7.y - a1.y).toBeGreaterThan(100);
    // Co-channel neighbours are red edges, one per pair the floor view finds (the 2.4 GHz plan
    // reuses channels 1, 6 and 11 on a 3×3 grid: diagonal neighbours share one).
    const floor = (await (await api('/v1/floor')).json()) as FloorView;
    expect(floor.coChannelPairs.length).toBeGreaterThan(0);
    await page.waitForFunction(
      `document.querySelectorAll('line.co-channel').length === ${floor.coChannelPairs.length}`,
    );
    const edges = await page
      .locator('line.co-channel')
      .evaluateAll((ls) => ls.map((l) => `${l.getAttribute('data-radio')} ${l.getAttribute('data-aps')}`));
    expect(edges.sort()).toEqual(floor.coChannelPairs.map((p) => `${p.radio} ${p.apIds.join(' ')}`).sort());
    // Every radio of the floor has a row; the token stays for the session only.
    expect(await page.locator('#radios tbody tr').count()).toBe(apIds.length * 2);
    expect(await page.evaluate("sessionStorage.getItem('rrm-ingest-token')")).toBe(TOKEN);
    expect(await page.evaluate('localStorage.length')).toBe(0);
  });

  let radarEventId = '';

  it('turns an AP’s colour after a radar move sent through the ingest', async () => {
    const ap05 = stack.ap('ap-05');
    const before = await radio5g(ap05).evaluate((c) => [
      c.getAttribute('data-channel'),
      c.getAttribute('fill'),
    ]);
    expect(before[0]).toBe('52');

    await simPost(stack.sim.url, '/v1/inject/radar', { channel: 52 });
    const res = await api('/v1/events', {
      method: 'POST',
      body: JSON.stringify({ type: 'DFS_RADAR', apId: ap05, data: { channel: 52 } }),
    });
    expect(res.status).toBe(202);
    radarEventId = ((await res.json()) as { submitted: { eventId: string }[] }).submitted[0].eventId;
    await inStage(stack, radarEventId, 'monitor');
    const moved = String((await getRadio(stack.sim.url, ap05)).channel);
    expect(moved).not.toBe('52');

    await page.waitForSelector(`circle.radio[data-ap="${ap05}"][data-radio="5g"][data-channel="${moved}"]`, {
      timeout: 15_000,
    });
    const after = await radio5g(ap05).getAttribute('fill');
    expect(after).not.toBe(before[1]);
    // Its closure and watch show on the floor, with their time left.
    const notes = await page.locator(`g.ap[data-ap="${ap05}"] text.note`).allTextContents();
    expect(notes).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^5 GHz 52–64 closed \d+ min \d+ s$/),
        expect.stringMatching(/^5 GHz watch \d/),
      ]),
    );
  });

  it('links the event to its workflow in the Temporal Web UI', async () => {
    const row = page.locator(`#feed tr[data-event-id="${radarEventId}"]`);
    await row.waitFor({ timeout: 15_000 });
    const expected = `${WEB_UI}/namespaces/default/workflows/event:${radarEventId}`;
    expect(await row.locator('a.workflow-link').getAttribute('href')).toBe(expected);
    expect(await row.locator('td').nth(2).textContent()).toBe('DFS_RADAR');
    expect(await row.locator('td').nth(4).textContent()).toBe(stack.ap('ap-05'));
    // The watching event in the radios' table links to the same workflow.
    const watch = page.locator(`#radios tr[data-ap="${stack.ap('ap-05')}"][data-radio="5g"] a.workflow-link`);
    expect(await watch.getAttribute('href')).toBe(expected);

    // An event refused at once shows its outcome and its seconds to decision.
    const refused = await api('/v1/events', {
      method: 'POST',
      body: JSON.stringify({ type: 'NON_WIFI_BURST', apId: stack.ap('ap-07'), confidence: 0.1 }),
    });
    const [{ eventId }] = ((await refused.json()) as { submitted: { eventId: string }[] }).submitted;
    const decided = page.locator(`#feed tr[data-event-id="${eventId}"]`);
    await decided.locator('td.outcome', { hasText: 'REJECTED' }).waitFor({ timeout: 15_000 });
    expect(await decided.locator('td').nth(6).textContent()).toMatch(/^\d+(\.\d)? s$/);

    mkdirSync(ARTEFACTS, { recursive: true });
    await page.screenshot({ path: SCREENSHOT, fullPage: true });
    console.log(`floor page screenshot: ${SCREENSHOT}`);
  });
});
