// The HTTP ingest (client/http-ingest) on the real stack: events in as JSON, arrays and NDJSON, refusals
// that start nothing, duplicates, the bearer token, status, operator controls, metrics and schema.
import { WorkflowNotFoundError } from '@temporalio/client';
import type { IngestServer } from '../../client/http-ingest/server';
import { ALICE_TOKEN, ingestOnStack, TOKEN } from '../support/ingest-on-stack';
import { eventWorkflowId } from '../../workflows/contract';
import type { EventStatus } from '../../workflows/contract';
import { eventually, startStack, type Stack } from '../support/stack';
import { simPost } from '../support/sim-client';

describe('HTTP ingest on the real stack', () => {
  let stack: Stack;
  let server: IngestServer;
  let base: string;
  beforeAll(async () => {
    stack = await startStack();
    ({ server, base } = await ingestOnStack(stack));
  });
  afterAll(async () => {
    await server?.close();
    await stack?.stop();
  });

  async function call(
    method: string,
    path: string,
    body?: string,
    headers: Record<string, string> = { 'content-type': 'application/json' },
    // eslint-disable-next-line @typescript-eslint/no-explicit-any -- response bodies of many shapes
  ): Promise<{ status: number; json: any; text: string }> {
    const res = await fetch(`${base}${path}`, {
      method,
      headers: { authorization: `Bearer ${TOKEN}`, ...(body === undefined ? {} : headers) },
      body,
    });
    const text = await res.text();
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      json = undefined;
    }
    return { status: res.status, json, text };
  }

  // The result of an event whose workflow ends (RrmClient.result() can race a workflow that completes
  // between its describe and its update, and then reports "no event").
  const finished = (eventId: string) => stack.rrm.eventHandle(eventId).result() as Promise<EventStatus>;

  // Below the type's minimum confidence: it ends REJECTED at once and touches no AP.
  const lowConfidence = (name: string) => ({
    eventId: `${name}-${stack.ap('x')}`,
    type: 'NON_WIFI_BURST',
    apId: stack.ap('ap-07'),
    confidence: 0.2,
  });
  const exists = (eventId: string) =>
    stack.rrm.client.workflow
      .getHandle(eventWorkflowId(eventId))
      .describe()
      .then(
        () => true,
        (err: unknown) => {
          if (err instanceof WorkflowNotFoundError) return false;
          throw err;
        },
      );

  it('accepts one JSON event, a JSON array and NDJSON, and starts a workflow for each', async () => {
    const one = lowConfidence('one');
    const array = [lowConfidence('arr-1'), lowConfidence('arr-2')];
    const lines = [lowConfidence('nd-1'), lowConfidence('nd-2')];

    const single = await call('POST', '/v1/events', JSON.stringify(one));
    const batch = await call('POST', '/v1/events', JSON.stringify(array));
    const ndjson = await call('POST', '/v1/events', lines.map((e) => JSON.stringify(e)).join('\n') + '\n', {
      'content-type': 'application/x-ndjson',
    });

    expect(single).toMatchObject({ status: 202 });
    expect(single.json).toEqual({
      submitted: [{ eventId: one.eventId, workflowId: eventWorkflowId(one.eventId), duplicate: false }],
    });
    expect(batch.status).toBe(202);
    expect(batch.json.submitted.map((s: { eventId: string }) => s.eventId)).toEqual(
      array.map((e) => e.eventId),
    );
    expect(ndjson.status).toBe(202);
    expect(ndjson.json.submitted.map((s: { eventId: string }) => s.eventId)).toEqual(
      lines.map((e) => e.eventId),
    );

    for (const e of [one, ...array, ...lines]) {
      expect(await finished(e.eventId)).toMatchObject({ outcome: 'REJECTED' });
    }
    const status = await call('GET', `/v1/events/${one.eventId}`);
    expect(status.status).toBe(200);
    expect(status.json).toMatchObject({ eventId: one.eventId, stage: 'done', outcome: 'REJECTED' });
  });

  it('refuses a batch with a bad event with 400 naming each field, and starts none of it', async () => {
    const good = lowConfidence('good');
    const bad = { eventId: `bad-${stack.ap('x')}`, type: 'DFS_RADAR', apId: 'has space', data: {} };
    const res = await call('POST', '/v1/events', JSON.stringify([good, bad]));
    expect(res.status).toBe(400);
    expect(res.json.error).toBe('invalid_events');
    expect(res.json.problems).toEqual([
      {
        index: 1,
        errors: expect.arrayContaining([
          { field: 'apId', message: expect.any(String) },
          { field: 'data.channel', message: expect.any(String) },
        ]),
      },
    ]);
    expect(await exists(good.eventId)).toBe(false);
    expect(await exists(bad.eventId)).toBe(false);
  });

  it('answers a resubmitted eventId with duplicate: true and starts nothing new', async () => {
    const event = lowConfidence('dup');
    const first = await call('POST', '/v1/events', JSON.stringify(event));
    const second = await call('POST', '/v1/events', JSON.stringify(event));
    expect(first.json.submitted[0].duplicate).toBe(false);
    expect(second).toMatchObject({
      status: 202,
      json: { submitted: [{ eventId: event.eventId, duplicate: true }] },
    });
  });

  it('requires the bearer token on every route but /healthz', async () => {
    const open = await fetch(`${base}/healthz`);
    expect(open.status).toBe(200);
    const anonymous = await fetch(`${base}/v1/events`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(lowConfidence('anon')),
    });
    expect(anonymous.status).toBe(401);
    expect(await exists(`anon-${stack.ap('x')}`)).toBe(false);
    const wrong = await fetch(`${base}/v1/schema`, { headers: { authorization: 'Bearer nope' } });
    expect(wrong.status).toBe(401);
    expect((await call('GET', '/v1/schema')).status).toBe(200);
  });

  it('answers 404 for an unknown event, on status and on controls', async () => {
    const status = await call('GET', '/v1/events/no-such-event');
    expect(status).toMatchObject({
      status: 404,
      json: { error: 'not_found', message: 'no event no-such-event' },
    });
    const rollback = await call('POST', '/v1/events/no-such-event/rollback', JSON.stringify({ reason: 'x' }));
    expect(rollback.status).toBe(404);
  });

  it('refuses a control on a finished event with 409 and the reason', async () => {
    const event = lowConfidence('finished');
    await call('POST', '/v1/events', JSON.stringify(event));
    await finished(event.eventId);
    const res = await call(
      'POST',
      `/v1/events/${event.eventId}/rollback`,
      JSON.stringify({ operator: 'bob' }),
    );
    expect(res.status).toBe(409);
    expect(res.json).toEqual({
      error: 'refused',
      message: expect.stringMatching(/^rollback refused: .*finished/),
    });
  });

  it('commits a monitored change early with an operator token: 200, APPLIED, audited as that operator', async () => {
    const apId = stack.ap('ap-05');
    await simPost(stack.sim.url, '/v1/inject/radar', { channel: 52 });
    const eventId = `radar-http-${apId}`;
    const submitted = await call(
      'POST',
      '/v1/events',
      JSON.stringify({ eventId, type: 'DFS_RADAR', apId, data: { channel: 52 } }),
    );
    expect(submitted.status).toBe(202);
    await eventually(
      async () => ((await stack.rrm.status(eventId)).stage === 'monitor' ? true : undefined),
      30_000,
    );

    const res = await call('POST', `/v1/events/${eventId}/commit`, JSON.stringify({ reason: 'ok' }), {
      'content-type': 'application/json',
      authorization: `Bearer ${ALICE_TOKEN}`,
    });
    expect(res.status).toBe(200);
    expect(res.json).toMatchObject({ eventId });
    expect(await stack.rrm.result(eventId)).toMatchObject({ outcome: 'APPLIED' });
    const committed = await stack.query<{ operator: string }>(
      "select operator from audit_records where event_id = $1 and execution_status = 'COMMITTED'",
      [eventId],
    );
    expect(committed).toEqual([{ operator: 'alice' }]);

    const ap = await call('GET', `/v1/aps/${apId}`);
    expect(ap.status).toBe(200);
    expect(ap.json.closedChannels.map((c: { channel: number }) => c.channel)).toEqual([52, 56, 60, 64]);
  });

  it('lists the latest events with outcome and time to decision, and the bursts', async () => {
    // The radar event committed above: APPLIED, its workflow still open for the rollback token.
    const eventId = `radar-http-${stack.ap('ap-05')}`;
    type Listed = { eventId: string; outcome: string | null; execution: string; decidedAt: string | null };
    const { events } = await eventually(async () => {
      const res = await call('GET', '/v1/events?limit=100');
      expect(res.status).toBe(200);
      const listed = res.json as { events: (Listed & Record<string, unknown>)[] };
      return listed.events.find((e) => e.eventId === eventId)?.outcome === 'APPLIED' ? listed : undefined;
    }, 15_000);
    const radar = events.find((e) => e.eventId === eventId)!;
    expect(radar).toMatchObject({
      workflowId: eventWorkflowId(eventId),
      apId: stack.ap('ap-05'),
      type: 'DFS_RADAR',
      severity: 'CRITICAL',
      execution: 'RUNNING',
      decidedAt: (await stack.rrm.status(eventId)).decidedAt,
    });
    expect(radar.secondsToDecision).toBeGreaterThan(0);
    // The refused ones of the first tests: their workflows completed, their decision from the result.
    const rejected = events.filter((e) => e.outcome === 'REJECTED');
    expect(rejected.length).toBeGreaterThanOrEqual(5);
    for (const e of rejected)
      expect(e).toMatchObject({ execution: 'COMPLETED', decidedAt: expect.any(String) });
    const starts = events.map((e) => Date.parse(String(e.startedAt)));
    expect(starts).toEqual([...starts].sort((a, b) => b - a));
    expect((await call('GET', '/v1/events?limit=2')).json.events).toHaveLength(2);

    // The radar move told the deployment's burstReplan workflow of itself.
    const bursts = await eventually(async () => {
      const res = await call('GET', '/v1/bursts');
      return res.json.running ? res : undefined;
    }, 15_000);
    expect(bursts).toMatchObject({ status: 200, json: { running: true, planned: [] } });
  });

  it('publishes the event JSON Schema', async () => {
    const res = await call('GET', '/v1/schema');
    expect(res.status).toBe(200);
    expect(res.json).toMatchObject({ title: 'RRM event' });
    expect(JSON.stringify(res.json)).toContain('DFS_RADAR');
  });

  it('counts requests and events on /metrics', async () => {
    const res = await call('GET', '/metrics');
    expect(res.status).toBe(200);
    const value = (pattern: RegExp): number => Number(pattern.exec(res.text)?.[1] ?? NaN);
    // Events started by the tests above: 5 + 1 + 1 + 1 in 7 requests; one duplicate; one invalid event.
    expect(value(/^rrm_events_submitted_total (\d+)$/m)).toBe(8);
    expect(value(/^rrm_events_duplicate_total (\d+)$/m)).toBe(1);
    expect(value(/^rrm_events_invalid_total (\d+)$/m)).toBe(1);
    expect(value(/^rrm_http_requests_total\{method="POST",route="\/v1\/events",status="202"\} (\d+)$/m)).toBe(
      7,
    );
    expect(value(/^rrm_http_requests_total\{method="POST",route="\/v1\/events",status="401"\} (\d+)$/m)).toBe(
      1,
    );
    expect(res.text).toContain(
      'rrm_http_requests_total{method="GET",route="/v1/events/:eventId",status="404"} 1',
    );
  });
});
