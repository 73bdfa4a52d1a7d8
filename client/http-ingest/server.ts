// The HTTP ingest (docs/operator-surfaces.md): sensing sources POST events, operators read status and use the
// controls. Everything goes through RrmClient, like the CLI.
import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import type { Pool } from 'pg';
import { eventJsonSchema } from '../../domain/events';
import { collectFloor, collectStats, type RrmClient } from '../library';
import { hasCredentials, registerBearerAuth, type IngestCredentials } from './auth';
import { MAX_PATH_PARAMETER_LENGTH, registerErrorHandling, routerErrorAnswer } from './errors';
import { registerRequestSpans } from './request-spans';
import { cachedFor } from './cached';
import { registerEventRoutes } from './event-routes';
import { registerFeedRoutes } from './feed-routes';
import { registerUi, type UiOptions } from './ui';
import type { IngestTls } from './listen';
import { createIngestMetrics, type IngestMetrics } from './metrics';
import type { ControllerPort } from '../../activities/controller';

export const DEFAULT_BODY_LIMIT = 5 * 1024 * 1024;
/** Media types of a request body: one JSON event or an array (JSON), or one event per line (NDJSON). */
export const BODY_MEDIA_TYPES = ['application/json', 'application/x-ndjson', 'application/ndjson'];

/**
 * How long one call to Temporal (a workflow start, a status, an AP state) may take, counted from when
 * it is sent, before the ingest answers 503: a sensing source needs its refusal within seconds to
 * retry or buffer, not after the SDK's retries. Starts queue for a slot before they are sent
 * (MAX_CONCURRENT_STARTS), so a busy ingest is slower, never refused.
 */
export const TEMPORAL_DEADLINE_MS = 3_000;

/** /v1/stats counts every outcome by type: answered from a copy this young, and within this time. */
export const STATS_CACHE_MS = 5_000;
export const STATS_DEADLINE_MS = 10_000;

export interface IngestServerOptions {
  rrm: RrmClient;
  /** Bearer tokens every route but /healthz requires; open when there are none. */
  credentials?: IngestCredentials;
  /** The audit store, for the audit part of /v1/stats. */
  pool?: Pool;
  /** Limits /v1/stats to this task queue's events (the deployment's); the whole namespace when absent. */
  taskQueue?: string;
  bodyLimit?: number;
  logger?: FastifyBaseLogger;
  /** Process metrics (CPU, memory, event loop) on /metrics; default true. */
  processMetrics?: boolean;
  /** The controller the floor view reads (`GET /v1/floor`); none: no floor view (404). */
  controller?: { port: ControllerPort; url: string };
  /** Default TEMPORAL_DEADLINE_MS. */
  temporalDeadlineMs?: number;
  /** Serve HTTPS with this certificate and key (listen.ts reads them); plain HTTP without. */
  https?: IngestTls;
  /** The floor page on `/ui/` (ui.ts); none: no page. */
  ui?: UiOptions;
}

export interface IngestServer extends FastifyInstance {
  metrics: IngestMetrics;
}

export function buildIngestServer(opts: IngestServerOptions): IngestServer {
  const app = Fastify({
    bodyLimit: opts.bodyLimit ?? DEFAULT_BODY_LIMIT,
    // Room for the longest eventId (128 characters, percent-encoded) so the route's own check names
    // the field; beyond it the router refuses, in the same `{ error, message }` shape (errors.ts).
    routerOptions: { maxParamLength: MAX_PATH_PARAMETER_LENGTH },
    frameworkErrors: routerErrorAnswer,
    ...(opts.https ? { https: opts.https } : {}),
    ...(opts.logger ? { loggerInstance: opts.logger } : { logger: false }),
  }) as unknown as FastifyInstance;
  const metrics = createIngestMetrics({ processMetrics: opts.processMetrics });

  // Bodies stay text: the event reader (shared with the CLI) parses JSON and NDJSON alike and names
  // the bad line; the operator routes parse their small JSON bodies themselves.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser(BODY_MEDIA_TYPES, { parseAs: 'string' }, (_request, body, done) =>
    done(null, body),
  );

  registerErrorHandling(app, metrics);
  registerRequestSpans(app);
  if (opts.credentials && hasCredentials(opts.credentials)) registerBearerAuth(app, opts.credentials);
  app.addHook('onResponse', async (request, reply) => {
    const labels = { method: request.method, route: request.routeOptions.url ?? 'unmatched' };
    metrics.httpRequests.inc({ ...labels, status: String(reply.statusCode) });
    metrics.httpDuration.observe(labels, reply.elapsedTime / 1000);
  });

  app.get('/healthz', async () => ({ status: 'ok' }));
  app.get('/metrics', async (_request, reply) =>
    reply.type(metrics.registry.contentType).send(await metrics.registry.metrics()),
  );
  app.get('/v1/schema', async () => eventJsonSchema());
  const rrm = opts.rrm.withCallDeadline(opts.temporalDeadlineMs ?? TEMPORAL_DEADLINE_MS);
  const stats = cachedFor(STATS_CACHE_MS, () =>
    rrm.client.connection.withDeadline(Date.now() + STATS_DEADLINE_MS, () =>
      collectStats(rrm.client, opts.pool, { taskQueue: opts.taskQueue }),
    ),
  );
  app.get('/v1/stats', stats);
  registerEventRoutes(app, rrm, metrics);
  registerFeedRoutes(app, rrm, opts.taskQueue);
  const { controller } = opts;
  if (controller) app.get('/v1/floor', async () => collectFloor(rrm, controller.port, controller.url));
  if (opts.ui) registerUi(app, opts.ui);

  return Object.assign(app, { metrics });
}
