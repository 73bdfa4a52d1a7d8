// One event is one trace: the HTTP ingest's request span, the workflow start, the event workflow in
// the worker process, its activities and each controller call, all exported over OTLP to an
// in-process collector (test/support/otlp-collector.ts) because OTEL_EXPORTER_OTLP_ENDPOINT says so.
import { controllerEnvFor } from '../support/controller-face';
import { buildIngestServer, type IngestServer } from '../../client/http-ingest/server';
import { RrmClient } from '../../client/library';
import { startTracing, type Tracing } from '../../config/tracing';
import { startCollector, type CollectedSpan, type Collector } from '../support/otlp-collector';
import { inStage } from '../support/scenarios';
import { simPost } from '../support/sim-client';
import { eventually, startStack, type Stack } from '../support/stack';
import { WorkerProcess } from '../support/worker-process';

describe('OpenTelemetry traces of one event', () => {
  let collector: Collector;
  let stack: Stack;
  let worker: WorkerProcess;
  let tracing: Tracing;
  let rrm: RrmClient & { close(): Promise<void> };
  let ingest: IngestServer;
  let base: string;

  beforeAll(async () => {
    collector = await startCollector();
    stack = await startStack();
    const taskQueue = `${stack.taskQueue}-traces`;
    worker = new WorkerProcess({
      taskQueue,
      databaseUrl: stack.databaseUrl,
      controllerEnv: controllerEnvFor(stack.sim),
      env: { OTEL_EXPORTER_OTLP_ENDPOINT: collector.url, OTEL_BSP_SCHEDULE_DELAY: '200' },
      // No rollback token: once committed the workflow ends, and its own span is exported.
      policy: { events: { DFS_RADAR: { rollbackTokenTtlMs: 0 } } },
    });
    await worker.start();
    // This process plays the HTTP ingest, traced as `npm run ingest` is.
    tracing = startTracing('rrm-http-ingest', { OTEL_EXPORTER_OTLP_ENDPOINT: collector.url })!;
    const temporal = {
      connection: { address: process.env.TEMPORAL_ADDRESS! },
      namespace: 'default',
      taskQueue,
    };
    rrm = await RrmClient.connect(temporal, undefined, { traced: true });
    ingest = buildIngestServer({ rrm, processMetrics: false });
    base = await ingest.listen({ port: 0, host: '127.0.0.1' });
  });

  afterAll(async () => {
    await ingest?.close();
    await rrm?.close();
    await tracing?.shutdown();
    await worker?.stop();
    await stack?.stop();
    await collector?.close();
  });

  it('follows a radar event from the HTTP request to the controller call that moved the radio', async () => {
    await simPost(stack.sim.url, '/v1/inject/radar', { channel: 52 });
    const eventId = `traced-${stack.taskQueue}`;
    const res = await fetch(`${base}/v1/events`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ eventId, type: 'DFS_RADAR', apId: stack.ap('ap-05'), data: { channel: 52 } }),
    });
    expect(res.status).toBe(202);
    await inStage({ ...stack, rrm }, eventId, 'monitor');
    await tracing.spanProcessor.forceFlush();

    const request = collector.spans.find((s) => s.name === 'POST /v1/events')!;
    expect(request).toMatchObject({ service: 'rrm-http-ingest', parentSpanId: undefined });
    /** The event's trace once it has every one of `names` (spans are exported as they end, in batches). */
    const traceWith = (...names: string[]) =>
      eventually(
        async () => {
          const spans = collector.spans.filter((s) => s.traceId === request.traceId);
          return names.every((n) => spans.some((s) => s.name === n)) ? spans : undefined;
        },
        30_000,
        () =>
          `not all of ${names.join(', ')} yet; spans: ${collector.spans.map((s) => `${s.service}/${s.name}`).join(', ')}`,
      );
    // The move (the radar reflex: reads and the move in one activity), then the coordinator's notice
    // and the audit writes.
    const expected = [
      'controller POST',
      'controller GET',
      'RunActivity:moveOffRadar',
      'RunActivity:noticeRadarMove',
      'HandleSignal:radarMoved',
      'RunActivity:recordAudits',
    ];
    let trace = await traceWith(...expected);
    const one = (name: string): CollectedSpan => trace.find((s) => s.name === name)!;
    const parentOf = (span: CollectedSpan) => trace.find((s) => s.spanId === span.parentSpanId);

    expect(parentOf(one('StartWorkflow:rrmEvent'))).toBe(request);
    // The move: scheduled by the workflow, run by the worker, the controller calls inside it.
    const reflex = one('RunActivity:moveOffRadar');
    expect(reflex.service).toBe('rrm-worker');
    expect(parentOf(reflex)?.name).toBe('StartActivity:moveOffRadar');
    const move = trace.find((s) => s.name === 'controller POST' && s.parentSpanId === reflex.spanId)!;
    expect(move.attributes).toMatchObject({
      'http.request.method': 'POST',
      'http.response.status_code': 200,
    });
    expect(String(move.attributes['url.full'])).toContain(`/v1/aps/${stack.ap('ap-05')}/radios/5g/config`);

    // The workflow's own span is exported when the workflow ends (here at once: committed, no token).
    await rrm.commit(eventId, { operator: 'test' });
    trace = await traceWith('RunWorkflow:rrmEvent');
    expect(parentOf(one('RunWorkflow:rrmEvent'))?.name).toBe('StartWorkflow:rrmEvent');
    expect(parentOf(one('StartActivity:moveOffRadar'))?.name).toBe('RunWorkflow:rrmEvent');
  });
});
