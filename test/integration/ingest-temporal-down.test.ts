// The HTTP ingest when Temporal goes away: a sensing source gets its refusal within seconds (503 with
// Retry-After), not after the SDK's retries, and an ingest started while Temporal is down answers
// the same way. Temporal is cut by closing a proxy in front of the dev server (test/support/proxy.ts).
import { RrmClient } from '../../client/library';
import { buildIngestServer, type IngestServer } from '../../client/http-ingest/server';
import { startProxy, type Proxy } from '../support/proxy';

/** Well above the ingest's 3 s deadline, well below the ~20 s the SDK's own retries took. */
const PROMPT_MS = 8_000;

describe('HTTP ingest with Temporal unreachable', () => {
  let proxy: Proxy;
  const servers: { app: IngestServer; rrm: { close(): Promise<void> } }[] = [];
  const taskQueue = `ingest-down-${Date.now()}`;

  async function ingestVia(address: string): Promise<string> {
    const temporal = { connection: { address }, namespace: 'default', taskQueue };
    const rrm = await RrmClient.connect(temporal, undefined, { connectTimeout: '2s', lazy: true });
    const app = buildIngestServer({ rrm, processMetrics: false });
    servers.push({ app, rrm });
    return app.listen({ port: 0, host: '127.0.0.1' });
  }

  const post = (base: string, eventId: string) =>
    fetch(`${base}/v1/events`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ eventId, type: 'LOAD_IMBALANCE', apId: 'ap-01' }),
    });

  async function timed(call: () => Promise<Response>) {
    const started = Date.now();
    const res = await call();
    return { res, ms: Date.now() - started, body: (await res.json()) as { error: string; message: string } };
  }

  beforeAll(async () => {
    proxy = await startProxy(process.env.TEMPORAL_ADDRESS!);
  });
  afterAll(async () => {
    for (const { app, rrm } of servers) {
      await app.close();
      await rrm.close();
    }
    await proxy?.close();
  });

  it('answers 503 with Retry-After within seconds once Temporal is gone', async () => {
    const base = await ingestVia(proxy.address);
    expect((await post(base, `${taskQueue}-1`)).status).toBe(202);

    await proxy.cut();
    const submit = await timed(() => post(base, `${taskQueue}-2`));
    expect(submit.res.status).toBe(503);
    expect(submit.res.headers.get('retry-after')).toBe('5');
    expect(submit.body.error).toBe('temporal_unavailable');
    expect(submit.ms).toBeLessThan(PROMPT_MS);

    const status = await timed(() => fetch(`${base}/v1/events/${taskQueue}-1`));
    expect([status.res.status, status.body.error]).toEqual([503, 'temporal_unavailable']);
    expect(status.ms).toBeLessThan(PROMPT_MS);
  });

  it('starts while Temporal is down, and answers 503 the same way', async () => {
    const base = await ingestVia(proxy.address); // cut by the test above: nothing listens there
    expect((await fetch(`${base}/healthz`)).status).toBe(200);
    const submit = await timed(() => post(base, `${taskQueue}-3`));
    expect([submit.res.status, submit.body.error]).toEqual([503, 'temporal_unavailable']);
    expect(submit.ms).toBeLessThan(PROMPT_MS);
  });
});
