// OpenTelemetry traces (docs/operator-surfaces.md, "Traces"): on when OTEL_EXPORTER_OTLP_ENDPOINT
// is set, off (and free) otherwise. One event is one trace: the HTTP ingest's request span, the
// client's StartWorkflow, the workflow's spans (through Temporal's workflow interceptors and a
// sink), each activity and each controller call. Exported over OTLP/HTTP to the endpoint
// (`<endpoint>/v1/traces`); the standard OTEL_* variables (service name, headers, batch delays)
// apply as the OpenTelemetry SDK reads them.
import { context, propagation, SpanKind, SpanStatusCode, trace, type Span } from '@opentelemetry/api';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { Resource } from '@opentelemetry/resources';
import { BatchSpanProcessor, type SpanProcessor } from '@opentelemetry/sdk-trace-base';
import { NodeTracerProvider } from '@opentelemetry/sdk-trace-node';

export interface Tracing {
  resource: Resource;
  spanProcessor: SpanProcessor;
  /** Flushes the spans not yet exported and stops. */
  shutdown(): Promise<void>;
}

/** Registers the process's tracer provider when OTEL_EXPORTER_OTLP_ENDPOINT is set; undefined otherwise. */
export function startTracing(serviceName: string, env: NodeJS.ProcessEnv = process.env): Tracing | undefined {
  if (!env.OTEL_EXPORTER_OTLP_ENDPOINT) return undefined;
  const resource = new Resource({ 'service.name': env.OTEL_SERVICE_NAME ?? serviceName });
  // As the OTLP exporters specify it: the traces path on the endpoint, unless a traces URL is given.
  const url =
    env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT ??
    `${env.OTEL_EXPORTER_OTLP_ENDPOINT.replace(/\/$/, '')}/v1/traces`;
  const spanProcessor = new BatchSpanProcessor(new OTLPTraceExporter({ url }));
  const provider = new NodeTracerProvider({ resource, spanProcessors: [spanProcessor] });
  provider.register();
  return { resource, spanProcessor, shutdown: () => provider.shutdown() };
}

const tracer = () => trace.getTracer('rrm-event-loop');

/**
 * Runs `fn` in a span of its own, the current span's child. A no-op span when tracing is off. The
 * span records a thrown error and ends with `fn`.
 */
export function inSpan<T>(
  name: string,
  opts: { kind?: SpanKind; attributes?: Record<string, string | number> },
  fn: (span: Span) => Promise<T>,
): Promise<T> {
  return tracer().startActiveSpan(name, { kind: opts.kind, attributes: opts.attributes }, async (span) => {
    try {
      return await fn(span);
    } catch (err) {
      span.recordException(err as Error);
      span.setStatus({ code: SpanStatusCode.ERROR, message: (err as Error).message });
      throw err;
    } finally {
      span.end();
    }
  });
}

/** The current trace context as headers (`traceparent`), for a call to another service. */
export function traceHeaders(): Record<string, string> {
  const headers: Record<string, string> = {};
  propagation.inject(context.active(), headers);
  return headers;
}

export { SpanKind };
