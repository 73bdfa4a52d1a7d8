// The worker's Prometheus endpoint (RRM_METRICS_PORT) scraped while events run, as Prometheus would:
// the loop's domain metrics (events by outcome, Channel Move Time, turn wait, rollbacks, audit and
// controller latency) and the Temporal SDK's own, from one worker process (`npm run worker`).
import type { RrmClient } from '../../client/library';
import { startMetricsWorker } from '../support/metrics-worker';
import { inStage } from '../support/scenarios';
import { simPost } from '../support/sim-client';
import { startStack, type Stack } from '../support/stack';
import type { WorkerProcess } from '../support/worker-process';

/** The value of one sample line, e.g. `rrm_events_total{outcome="APPLIED",type="DFS_RADAR"}`. */
function sample(text: string, name: string, labels: Record<string, string> = {}): number | undefined {
  const wanted = Object.entries(labels).map(([k, v]) => `${k}="${v}"`);
  for (const line of text.split('\n')) {
    if (!line.startsWith(`${name}{`) && !line.startsWith(`${name} `)) continue;
    if (wanted.every((w) => line.includes(w))) return Number(line.slice(line.lastIndexOf(' ') + 1));
  }
  return undefined;
}

describe('worker metrics on one scrape endpoint', () => {
  let stack: Stack;
  let worker: WorkerProcess;
  let rrm: RrmClient;
  let scrape: () => Promise<string>;

  beforeAll(async () => {
    stack = await startStack();
    // A worker process of its own, on a task queue of its own: its metrics count these events only.
    ({ worker, rrm, scrape } = await startMetricsWorker(stack, 'metrics'));
  });
  afterAll(async () => {
    await worker?.stop();
    await stack?.stop();
  });

  it('shows a radar move while it is watched, then its outcome', async () => {
    await simPost(stack.sim.url, '/v1/inject/radar', { channel: 52 });
    const [radar] = await rrm.submit([{ type: 'DFS_RADAR', apId: stack.ap('ap-05'), data: { channel: 52 } }]);
    await inStage({ ...stack, rrm }, radar.eventId, 'monitor');

    const during = await scrape();
    expect(sample(during, 'rrm_channel_move_time_seconds_count', { type: 'DFS_RADAR' })).toBe(1);
    expect(sample(during, 'rrm_channel_move_time_seconds_bucket', { type: 'DFS_RADAR', le: '10' })).toBe(1);
    // The radar reflex takes no turn: its reads and its move are one controller operation.
    expect(sample(during, 'rrm_turn_wait_seconds_count', { type: 'DFS_RADAR' })).toBeUndefined();
    expect(sample(during, 'rrm_controller_request_seconds_count', { operation: 'moveOffRadar' })).toBe(1);
    expect(
      sample(during, 'rrm_audit_append_seconds_count', { activity: 'recordAudits' }),
    ).toBeGreaterThanOrEqual(1);
    expect(sample(during, 'rrm_events_total', { type: 'DFS_RADAR' })).toBeUndefined(); // not decided yet
    // The SDK's own metrics, from the same endpoint.
    expect(during).toMatch(/^temporal_workflow_task_execution_latency_bucket\{/m);
    expect(during).toMatch(/^temporal_activity_execution_latency_bucket\{/m);

    await rrm.commit(radar.eventId, { operator: 'test' });
    expect(sample(await scrape(), 'rrm_events_total', { type: 'DFS_RADAR', outcome: 'APPLIED' })).toBe(1);
  });

  it('counts an operator’s rollback as manual', async () => {
    const apId = stack.ap('ap-03');
    const [burst] = await rrm.submit([
      { type: 'NON_WIFI_BURST', apId, confidence: 0.9, data: { channel: 44 } },
    ]);
    await inStage({ ...stack, rrm }, burst.eventId, 'monitor');
    await rrm.rollback(burst.eventId, { operator: 'test', reason: 'metrics test' });

    const after = await scrape();
    expect(sample(after, 'rrm_rollbacks_total', { type: 'NON_WIFI_BURST', trigger: 'manual' })).toBe(1);
    expect(sample(after, 'rrm_events_total', { type: 'NON_WIFI_BURST', outcome: 'ROLLED_BACK' })).toBe(1);
  });
});
