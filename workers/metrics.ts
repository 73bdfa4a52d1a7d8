// The worker's Prometheus metrics (docs/operator-surfaces.md, "Worker metrics"): the loop's domain
// metrics, counted here from the workflows' sinks (workflows/metrics.ts) and from the activities as
// they run, and served on RRM_METRICS_PORT together with the Temporal SDK's own metrics (its
// Runtime's Prometheus exporter, on a loopback port of its own), so one scrape endpoint has both.
// Closed by default: on 127.0.0.1 unless RRM_METRICS_HOST opens it to a scraper elsewhere.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Client } from '@temporalio/client';
import type { ActivityInterceptorsFactory, InjectedSinks } from '@temporalio/worker';
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { LoopMetricSinks } from '../workflows/metrics';
import { EVENT_WORKFLOW_TYPE } from '../workflows/contract';

/** Activities that call the wireless controller, by the operation they are (a radar reflex reads and moves). */
const CONTROLLER_ACTIVITIES = new Set([
  'readAp',
  'scanChannels',
  'readClients',
  'sampleRadio',
  'applyStep',
  'moveOffRadar',
]);
const AUDIT_ACTIVITIES = new Set(['recordAudit', 'recordAudits']);

const SECONDS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];

export class LoopMetrics {
  readonly events: Counter<'type' | 'outcome'>;
  readonly channelMoveTime: Histogram<'type'>;
  readonly turnWait: Histogram<'type' | 'severity'>;
  readonly rollbacks: Counter<'type' | 'trigger'>;
  readonly auditAppend: Histogram<'activity'>;
  readonly controllerRequest: Histogram<'operation'>;
  readonly controllerErrors: Counter<'operation'>;
  readonly auditErrors: Counter<'activity'>;
  readonly awaitingOperator: Gauge;
  /** Counts the events FAILED and waiting for an operator; set by countOperatorWaits. */
  private operatorWaits?: () => Promise<number>;

  constructor(
    readonly registry = new Registry(),
    { processMetrics = false } = {},
  ) {
    const registers = [registry];
    if (processMetrics) collectDefaultMetrics({ register: registry, prefix: 'rrm_worker_' });
    this.events = new Counter({
      name: 'rrm_events_total',
      help: 'Event outcomes decided (and signed into the audit trail), by event type and outcome',
      labelNames: ['type', 'outcome'],
      registers,
    });
    this.channelMoveTime = new Histogram({
      name: 'rrm_channel_move_time_seconds',
      help: 'From an event submitted to its change applied by the controller, by event type',
      labelNames: ['type'],
      buckets: [0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 20, 60],
      registers,
    });
    this.turnWait = new Histogram({
      name: 'rrm_turn_wait_seconds',
      help: "How long an event waited for its radios' turn (0 when granted in the request's answer)",
      labelNames: ['type', 'severity'],
      buckets: [0, 0.1, 0.5, 1, 5, 15, 60, 300, 900],
      registers,
    });
    this.rollbacks = new Counter({
      name: 'rrm_rollbacks_total',
      help: 'Changes rolled back, by event type and trigger (automatic: the policy; manual: an operator)',
      labelNames: ['type', 'trigger'],
      registers,
    });
    this.auditAppend = new Histogram({
      name: 'rrm_audit_append_seconds',
      help: 'Time to sign and append an activity’s audit records (group commit included)',
      labelNames: ['activity'],
      buckets: SECONDS,
      registers,
    });
    this.controllerRequest = new Histogram({
      name: 'rrm_controller_request_seconds',
      help: 'Time of a call to the wireless controller, by operation (failed calls included)',
      labelNames: ['operation'],
      buckets: SECONDS,
      registers,
    });
    this.controllerErrors = new Counter({
      name: 'rrm_controller_errors_total',
      help: 'Calls to the wireless controller that failed (refused, unreachable, timed out), by operation',
      labelNames: ['operation'],
      registers,
    });
    this.auditErrors = new Counter({
      name: 'rrm_audit_errors_total',
      help: 'Audit activity attempts that failed to sign and append their records (retries count each)',
      labelNames: ['activity'],
      registers,
    });
    const operatorWaits = () => this.operatorWaits?.();
    this.awaitingOperator = new Gauge({
      name: 'rrm_events_awaiting_operator',
      help: "Events whose apply FAILED, still waiting for an operator's retry or abandon (Temporal visibility, read at each scrape)",
      registers,
      async collect() {
        // A visibility call that fails keeps the last count: the scrape itself never fails for it.
        const count = await operatorWaits()?.catch(() => undefined);
        if (count !== undefined) this.set(count);
      },
    });
  }

  /**
   * `rrm_events_awaiting_operator` counts the running events of `taskQueue` with outcome FAILED
   * (as `rrm stats` does), one visibility count per scrape, within 2 s.
   */
  countOperatorWaits(client: Client, taskQueue: string): void {
    const quoted = taskQueue.replace(/\\/g, '\\\\').replace(/'/g, "\\'");
    const query = [
      `WorkflowType = '${EVENT_WORKFLOW_TYPE}'`,
      `TaskQueue = '${quoted}'`,
      `ExecutionStatus = 'Running'`,
      `RrmOutcome = 'FAILED'`,
    ].join(' AND ');
    this.operatorWaits = async () =>
      (await client.connection.withDeadline(Date.now() + 2_000, () => client.workflow.count(query))).count;
  }

  /** The workflows' side: counted on first execution only (not when a history is replayed). */
  sinks(): InjectedSinks<LoopMetricSinks> {
    return {
      loopMetrics: {
        eventDecided: {
          fn: (_info, type, outcome, rollback) => {
            this.events.inc({ type, outcome });
            if (rollback) this.rollbacks.inc({ type, trigger: rollback });
          },
          callDuringReplay: false,
        },
        changeApplied: {
          fn: (_info, type, moveMs) => this.channelMoveTime.observe({ type }, moveMs / 1000),
          callDuringReplay: false,
        },
        turnGranted: {
          fn: (_info, type, severity, waitMs) => this.turnWait.observe({ type, severity }, waitMs / 1000),
          callDuringReplay: false,
        },
      },
    };
  }

  /** The activities' side: controller calls and audit appends, timed around each attempt. */
  activityInterceptor(): ActivityInterceptorsFactory {
    return (ctx) => ({
      inbound: {
        execute: async (input, next) => {
          const name = ctx.info.activityType;
          const started = process.hrtime.bigint();
          const seconds = () => Number(process.hrtime.bigint() - started) / 1e9;
          try {
            return await next(input);
          } catch (err) {
            if (CONTROLLER_ACTIVITIES.has(name)) this.controllerErrors.inc({ operation: name });
            if (AUDIT_ACTIVITIES.has(name)) this.auditErrors.inc({ activity: name });
            throw err;
          } finally {
            if (CONTROLLER_ACTIVITIES.has(name))
              this.controllerRequest.observe({ operation: name }, seconds());
            if (AUDIT_ACTIVITIES.has(name)) this.auditAppend.observe({ activity: name }, seconds());
          }
        },
      },
    });
  }
}

/** Where the metrics listen: RRM_METRICS_HOST, else loopback only. */
export const metricsHost = (env: NodeJS.ProcessEnv = process.env): string =>
  env.RRM_METRICS_HOST?.trim() || '127.0.0.1';

/**
 * Serves `GET /metrics` on `host`:`port`: the loop's registry, then the SDK exporter's text read from
 * `sdkMetricsUrl` (left out, with a comment saying so, if it does not answer).
 */
export async function serveMetrics(
  port: number,
  registry: Registry,
  sdkMetricsUrl: string | undefined,
  host = metricsHost(),
): Promise<Server & { url: string }> {
  const server = createServer((req, res) => {
    if (req.method !== 'GET' || req.url?.split('?')[0] !== '/metrics') {
      res
        .writeHead(404, { 'content-type': 'application/json' })
        .end(JSON.stringify({ error: 'not_found', message: 'metrics are at GET /metrics' }));
      return;
    }
    void (async () => {
      const loop = await registry.metrics();
      const sdk = sdkMetricsUrl
        ? await fetch(sdkMetricsUrl, { signal: AbortSignal.timeout(2_000) })
            .then((r) => r.text())
            .catch((err: Error) => `# Temporal SDK metrics unavailable: ${err.message}\n`)
        : '';
      res.writeHead(200, { 'content-type': registry.contentType }).end(`${loop}\n${sdk}`);
    })();
  });
  // A port taken or a host this machine does not have stops the start with the listen error.
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, resolve);
  });
  const bound = server.address() as AddressInfo;
  return Object.assign(server, { url: `http://${reachable(bound)}:${bound.port}/metrics` });
}

/** An address to scrape the bound one at: loopback for a wildcard bind. */
function reachable({ address, family }: AddressInfo): string {
  if (address === '0.0.0.0') return '127.0.0.1';
  if (address === '::') return '[::1]';
  return family === 'IPv6' ? `[${address}]` : address;
}
