// Prometheus metrics of the HTTP ingest (`GET /metrics`). Each server has a registry of its own, so
// several servers in one process (tests) never share counters.
import { Counter, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

export interface IngestMetrics {
  registry: Registry;
  httpRequests: Counter<'method' | 'route' | 'status'>;
  httpDuration: Histogram<'method' | 'route'>;
  /** Events that started a workflow. */
  eventsSubmitted: Counter;
  /** Events whose eventId already had a workflow: nothing started. */
  eventsDuplicate: Counter;
  /** Events refused by the schema (their whole batch starts nothing). */
  eventsInvalid: Counter;
  /** Batches refused before any event started, by why. */
  batchesRejected: Counter<'reason'>;
}

export function createIngestMetrics(opts: { processMetrics?: boolean } = {}): IngestMetrics {
  const registry = new Registry();
  if (opts.processMetrics ?? true) collectDefaultMetrics({ register: registry, prefix: 'rrm_ingest_' });
  const registers = [registry];
  return {
    registry,
    httpRequests: new Counter({
      name: 'rrm_http_requests_total',
      help: 'HTTP requests answered, by method, route and status code',
      labelNames: ['method', 'route', 'status'],
      registers,
    }),
    httpDuration: new Histogram({
      name: 'rrm_http_request_duration_seconds',
      help: 'Time to answer an HTTP request, by method and route',
      labelNames: ['method', 'route'],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers,
    }),
    eventsSubmitted: new Counter({
      name: 'rrm_events_submitted_total',
      help: 'Events accepted that started an event workflow',
      registers,
    }),
    eventsDuplicate: new Counter({
      name: 'rrm_events_duplicate_total',
      help: 'Events accepted whose eventId already had a workflow (nothing started)',
      registers,
    }),
    eventsInvalid: new Counter({
      name: 'rrm_events_invalid_total',
      help: 'Events refused by the event schema',
      registers,
    }),
    batchesRejected: new Counter({
      name: 'rrm_ingest_batches_rejected_total',
      help: 'Submissions refused as a whole, nothing started (invalid_events, invalid_input)',
      labelNames: ['reason'],
      registers,
    }),
  };
}
