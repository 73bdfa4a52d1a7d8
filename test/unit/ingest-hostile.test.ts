// The HTTP ingest against hostile and oversized requests, without a Temporal server: every refusal
// comes before any call to Temporal, names what is wrong, and never carries a driver's or the SDK's
// text. A fuzz of the door: whatever the body, the answer is a JSON refusal, never a crash.
import { Client, Connection, ServiceError } from '@temporalio/client';
import Fastify from 'fastify';
import fc from 'fast-check';
import { RrmClient } from '../../client/library';
import { registerErrorHandling } from '../../client/http-ingest/errors';
import { MAX_EVENTS_PER_REQUEST } from '../../client/http-ingest/event-routes';
import { createIngestMetrics } from '../../client/http-ingest/metrics';
import { buildIngestServer, type IngestServer } from '../../client/http-ingest/server';

// A lazy connection to a closed port: a request that reached Temporal would answer 503, not hang.
const rrm = new RrmClient(
  new Client({ connection: Connection.lazy({ address: '127.0.0.1:1', connectTimeout: 500 }) }),
  'unit-test',
);

describe('HTTP ingest: hostile and oversized requests', () => {
  let app: IngestServer;
  let base: string;
  beforeAll(async () => {
    app = buildIngestServer({ rrm, credentials: { sharedToken: 's3cret' }, processMetrics: false });
    base = await app.listen({ port: 0, host: '127.0.0.1' });
  });
  afterAll(() => app.close());

  const post = async (path: string, body: string) => {
    const res = await fetch(`${base}${path}`, {
      method: 'POST',
      headers: { authorization: 'Bearer s3cret', 'content-type': 'application/json' },
      body,
    });
    return { status: res.status, body: (await res.json()) as Record<string, unknown> };
  };

  it('answers 400 naming data.detail for a NUL in it, and starts nothing', async () => {
    const event = { type: 'HW_FAILURE', apId: 'ap-09', data: { component: 'radio', detail: 'bad\u0000x' } };
    const res = await post('/v1/events', JSON.stringify(event));
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({
      error: 'invalid_events',
      problems: [
        { index: 0, errors: [{ field: 'data.detail', message: expect.stringContaining('U+0000') }] },
      ],
    });
  });

  it('refuses an operator reason with a NUL at once, naming the field', async () => {
    const res = await post('/v1/events/e-1/rollback', JSON.stringify({ reason: 'oops\u0000' }));
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ error: 'invalid_request', errors: [{ field: 'reason' }] });
  });

  it('refuses more events than one request may carry with 413 naming the limit', async () => {
    const events = Array.from({ length: MAX_EVENTS_PER_REQUEST + 1 }, (_, i) => ({
      eventId: `e-${i}`,
      type: 'LOAD_IMBALANCE',
      apId: 'ap-1',
    }));
    const res = await post('/v1/events', JSON.stringify(events));
    expect(res.status).toBe(413);
    expect(res.body).toMatchObject({ error: 'too_many_events' });
    expect(res.body.message).toContain(`at most ${MAX_EVENTS_PER_REQUEST} events`);
  });

  const get = async (path: string) => {
    const res = await fetch(`${base}${path}`, { headers: { authorization: 'Bearer s3cret' } });
    return { status: res.status, body: (await res.json()) as Record<string, unknown> };
  };

  it('refuses a bad ?limit= of the event feed at once, naming the query parameter', async () => {
    for (const [query, field] of [
      ['limit=0', 'limit'],
      ['limit=101', 'limit'],
      ['limit=5.5', 'limit'],
      ['limit=-1', 'limit'],
      ['limit=%00', 'limit'],
      ['limit=1&limit=2', 'limit'],
      ['limit=5&before=x', 'before'],
    ]) {
      const res = await get(`/v1/events?${query}`);
      expect({ query, status: res.status }).toEqual({ query, status: 400 });
      expect(res.body).toMatchObject({ error: 'invalid_query', errors: [{ field }] });
      expect(res.body.message).toContain(field);
    }
    // A good one passes the check and reaches for Temporal, which is not there.
    expect((await get('/v1/events?limit=5')).status).toBe(503);
  });

  it('answers any body with a JSON refusal naming an error, never a crash (fuzz)', async () => {
    const hostile = fc.string({ unit: 'binary', maxLength: 30 });
    const event = fc.record(
      {
        eventId: fc.oneof(fc.string({ maxLength: 140 }), hostile),
        type: fc.constantFrom('DFS_RADAR', 'HW_FAILURE', 'QOE_DEGRADATION', 'NON_WIFI_BURST', 'X'),
        apId: fc.oneof(fc.string({ maxLength: 70 }), hostile),
        data: fc.oneof(
          fc.record({ detail: hostile, component: hostile }, { requiredKeys: [] }),
          fc.record({ clients: fc.array(fc.record({ clientId: hostile, qoe: fc.double() })) }),
          fc.jsonValue(),
        ),
      },
      { requiredKeys: ['type'] },
    );
    const body = fc.oneof(
      fc.jsonValue().map((v) => JSON.stringify(v)),
      fc.array(event, { maxLength: 5 }).map((v) => JSON.stringify(v)),
      hostile,
    );
    await fc.assert(
      fc.asyncProperty(body, async (text) => {
        const res = await post('/v1/events', text);
        // An empty array starts nothing; 503: a valid event reached for Temporal, which is not there.
        if (res.status === 202) return expect(res.body).toEqual({ submitted: [] });
        expect([400, 413, 503]).toContain(res.status);
        expect(res.body).toEqual(
          expect.objectContaining({ error: expect.any(String), message: expect.any(String) }),
        );
      }),
      { numRuns: 150 },
    );
  });
});

describe('HTTP ingest: failures of Temporal calls', () => {
  const grpcError = (code: number) =>
    Object.assign(new Error(`${code} SOME_STATUS: driver detail 10.0.0.7:7233`), {
      code,
      details: 'driver detail',
      metadata: { getMap: () => ({}) },
    });

  async function answerTo(error: Error) {
    const app = Fastify();
    registerErrorHandling(app, createIngestMetrics({ processMetrics: false }));
    app.get('/fail', async () => {
      throw error;
    });
    // Over real HTTP: fastify's inject() needs an ESM-only module that jest cannot load.
    const base = await app.listen({ port: 0, host: '127.0.0.1' });
    try {
      const answer = await fetch(`${base}/fail`);
      return {
        status: answer.status,
        headers: Object.fromEntries(answer.headers),
        body: (await answer.json()) as { error: string; message: string },
      };
    } finally {
      await app.close();
    }
  }

  it.each([
    [4, 'DEADLINE_EXCEEDED'],
    [8, 'RESOURCE_EXHAUSTED'],
    [14, 'UNAVAILABLE'],
  ])('answers 503 with Retry-After for code %i (%s), without the SDK text', async (code) => {
    const res = await answerTo(new ServiceError('Failed to start Workflow', { cause: grpcError(code) }));
    expect(res.status).toBe(503);
    expect(res.headers['retry-after']).toBe('5');
    expect(res.body.error).toBe('temporal_unavailable');
    expect(res.body.message).not.toMatch(/driver|10\.0\.0\.7|Failed to start/);
    expect(res.body.message).toMatch(/log id \S+/);
  });

  it('answers 500 with a generic message and a log id for anything else', async () => {
    const res = await answerTo(new ServiceError('Failed to query', { cause: grpcError(3) }));
    expect(res.status).toBe(500);
    expect(res.body).toEqual({
      error: 'internal',
      message: expect.stringMatching(/^internal error \(log id \S+\)$/),
    });
    const plain = await answerTo(new Error('duplicate key value violates unique constraint "secret_idx"'));
    expect(plain.body.message).not.toContain('secret_idx');
  });
});
