// The HTTP ingest's door, without a Temporal server: everything here is answered before any call to
// Temporal (auth, media types, body limits, schema validation). The real stack is in
// test/integration/http-ingest.test.ts.
import { request } from 'node:http';
import { Client, Connection } from '@temporalio/client';
import { RrmClient } from '../../client/library';
import { buildIngestServer, type IngestServer } from '../../client/http-ingest/server';

// A lazy connection to a closed port: a test that reached Temporal would fail, not hang on a server.
const rrm = new RrmClient(
  new Client({ connection: Connection.lazy({ address: '127.0.0.1:1', connectTimeout: 500 }) }),
  'unit-test',
);

const ALICE_TOKEN = 'alice-operator-token-1';

describe('HTTP ingest without Temporal', () => {
  // Over real HTTP: fastify's inject() needs an ESM-only module that jest cannot load.
  let app: IngestServer;
  let base: string;
  beforeEach(async () => {
    app = buildIngestServer({
      rrm,
      credentials: { sharedToken: 's3cret', operatorTokens: new Map([['alice', ALICE_TOKEN]]) },
      bodyLimit: 1024,
      processMetrics: false,
    });
    base = await app.listen({ port: 0, host: '127.0.0.1' });
  });
  afterEach(() => app.close());

  const inject = async (req: {
    method?: string;
    url: string;
    headers?: Record<string, string>;
    payload?: string;
  }) => {
    const res = await fetch(`${base}${req.url}`, {
      method: req.method,
      headers: req.headers,
      body: req.payload,
    });
    const body = await res.text();
    return {
      statusCode: res.status,
      headers: Object.fromEntries(res.headers),
      body,
      json: () => JSON.parse(body),
    };
  };

  const auth = { authorization: 'Bearer s3cret' };

  it('leaves /healthz open and requires the bearer token everywhere else', async () => {
    expect((await inject({ url: '/healthz' })).json()).toEqual({ status: 'ok' });
    const refused: Record<string, string>[] = [
      {},
      { authorization: 'Bearer wrong' },
      { authorization: 's3cret' },
    ];
    for (const headers of refused) {
      const res = await inject({ url: '/v1/schema', headers });
      expect(res.statusCode).toBe(401);
      expect(res.headers['www-authenticate']).toContain('Bearer');
      expect(res.json()).toMatchObject({ error: 'unauthorized' });
    }
    expect((await inject({ url: '/nowhere' })).statusCode).toBe(401);
    expect((await inject({ url: '/v1/schema', headers: auth })).statusCode).toBe(200);
  });

  it('publishes the JSON Schema of the event contract', async () => {
    const schema = (await inject({ url: '/v1/schema', headers: auth })).json();
    expect(schema).toMatchObject({ title: 'RRM event' });
  });

  it('refuses a batch with one bad event, naming each field, and counts it', async () => {
    const res = await inject({
      method: 'POST',
      url: '/v1/events',
      headers: { ...auth, 'content-type': 'application/x-ndjson' },
      payload: [
        JSON.stringify({ type: 'DFS_RADAR', apId: 'ap-1', data: { channel: 52 } }),
        JSON.stringify({ type: 'DFS_RADAR', apId: 'has space', radio: '7g', data: {}, colour: 'red' }),
      ].join('\n'),
    });
    expect(res.statusCode).toBe(400);
    const body = res.json();
    expect(body.error).toBe('invalid_events');
    expect(body.problems).toHaveLength(1);
    expect(body.problems[0].index).toBe(1);
    expect(body.problems[0].errors.map((e: { field: string }) => e.field).sort()).toEqual([
      'apId',
      'colour',
      'data.channel',
      'radio',
    ]);
    const metrics = (await inject({ url: '/metrics', headers: auth })).body;
    expect(metrics).toMatch(/^rrm_events_invalid_total 1$/m);
    expect(metrics).toMatch(/^rrm_ingest_batches_rejected_total\{reason="invalid_events"\} 1$/m);
    expect(metrics).toMatch(
      /^rrm_http_requests_total\{method="POST",route="\/v1\/events",status="400"\} 1$/m,
    );
  });

  it('names the bad line of unreadable NDJSON', async () => {
    const res = await inject({
      method: 'POST',
      url: '/v1/events',
      headers: { ...auth, 'content-type': 'application/json' },
      payload: '{"type":"DFS_RADAR"}\n{not json',
    });
    expect(res.statusCode).toBe(400);
    expect(res.json()).toMatchObject({ error: 'invalid_input', message: expect.stringContaining('line 2') });
  });

  it('answers 415 for other media types and 413 for bodies over the limit', async () => {
    const text = await inject({
      method: 'POST',
      url: '/v1/events',
      headers: { ...auth, 'content-type': 'text/plain' },
      payload: '{}',
    });
    expect(text.statusCode).toBe(415);
    expect(text.json()).toMatchObject({ error: 'unsupported_media_type' });

    const big = await inject({
      method: 'POST',
      url: '/v1/events',
      headers: { ...auth, 'content-type': 'application/json' },
      payload: JSON.stringify({ type: 'DFS_RADAR', apId: 'x'.repeat(2048) }),
    });
    expect(big.statusCode).toBe(413);
    expect(big.json()).toMatchObject({ error: 'payload_too_large' });
  });

  it('refuses an operator body with unknown fields before asking the event', async () => {
    const res = await inject({
      method: 'POST',
      url: '/v1/events/e-1/rollback',
      headers: { ...auth, 'content-type': 'application/json' },
      payload: JSON.stringify({ reason: 'bad', who: 'me' }),
    });
    expect(res.statusCode).toBe(400);
    expect(res.json()).toMatchObject({ error: 'invalid_request', errors: [{ field: 'who' }] });
  });

  it("takes an operator's own token, and refuses a body that names another operator with it", async () => {
    const alice = { authorization: `Bearer ${ALICE_TOKEN}` };
    expect((await inject({ url: '/v1/schema', headers: alice })).statusCode).toBe(200);
    const res = await inject({
      method: 'POST',
      url: '/v1/events/e-1/rollback',
      headers: { ...alice, 'content-type': 'application/json' },
      payload: JSON.stringify({ operator: 'bob' }),
    });
    expect(res.statusCode).toBe(403);
    expect(res.json()).toMatchObject({ error: 'operator_mismatch', errors: [{ field: 'operator' }] });
  });

  it('answers 404 with a JSON body for unknown routes', async () => {
    const res = await inject({ url: '/v2/whatever', headers: auth });
    expect(res.statusCode).toBe(404);
    expect(res.json()).toMatchObject({ error: 'not_found' });
  });

  /** A GET with its path sent as written (fetch would resolve `..` segments first). */
  const rawGet = (path: string) =>
    new Promise<{ statusCode: number; body: Record<string, unknown> }>((resolve, reject) => {
      const { hostname, port } = new URL(base);
      const req = request({ host: hostname, port, path, headers: auth }, (res) => {
        let body = '';
        res.on('data', (chunk: Buffer) => (body += chunk.toString()));
        res.on('end', () => resolve({ statusCode: res.statusCode!, body: JSON.parse(body) }));
      });
      req.on('error', reject);
      req.end();
    });

  it.each([
    ['/v1/aps/..%2F..%2Fetc', 'apId', 'must be 1–64 characters of letters, digits and . _ : -'],
    ['/v1/aps/..', 'apId', 'must not be a relative path segment (. or ..)'],
    ['/v1/aps/a%20b', 'apId', 'must be 1–64 characters of letters, digits and . _ : -'],
    [`/v1/aps/${'a'.repeat(65)}`, 'apId', 'must be 1–64 characters of letters, digits and . _ : -'],
    [`/v1/events/${'e'.repeat(129)}`, 'eventId', 'must be 1–128 characters of letters, digits and . _ : -'],
    ['/v1/events/a%2Fb/rollback', 'eventId', 'must be 1–128 characters of letters, digits and . _ : -'],
  ])('refuses the path %s before asking Temporal, naming the parameter', async (path, field, message) => {
    const method = path.endsWith('/rollback') ? 'POST' : 'GET';
    const res = method === 'GET' ? await rawGet(path) : await inject({ method, url: path, headers: auth });
    const body = 'json' in res ? res.json() : res.body;
    expect(res.statusCode).toBe(400);
    expect(body).toEqual({
      error: 'invalid_path',
      message: `${field} ${message}`,
      errors: [{ field, message }],
    });
  });

  it('answers an over-long path parameter in the same error shape, not the framework’s', async () => {
    const res = await rawGet(`/v1/events/${'e'.repeat(500)}`);
    expect(res).toEqual({
      statusCode: 414,
      body: { error: 'uri_too_long', message: 'a path parameter is longer than 400 characters' },
    });
  });
});
