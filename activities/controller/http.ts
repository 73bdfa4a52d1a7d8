// One HTTP call to a controller, as a span of the activity's trace: the transport both adapters
// share. It says what came back; what an answer means is the adapter's business.
import { fetch, type Dispatcher } from 'undici';
import { inSpan, SpanKind, traceHeaders } from '../../config/tracing';

export type HttpMethod = 'GET' | 'POST';

export interface HttpCall {
  method: HttpMethod;
  /** Absolute URL. */
  url: string;
  body?: unknown;
  headers?: Record<string, string>;
  timeoutMs: number;
  /** TLS settings (a CA file) or a connection pool of the adapter's own. */
  dispatcher?: Dispatcher;
}

export interface HttpAnswer {
  status: number;
  headers: Headers;
  /** The parsed JSON body; undefined when there was none or it was not JSON. */
  body: unknown;
}

/** Thrown when no answer came (refused, reset, timed out): the activity retries it. */
export class ControllerUnreachable extends Error {}

export function httpCall(call: HttpCall): Promise<HttpAnswer> {
  const { method, url } = call;
  // The URL's query may carry nothing secret, but its path names devices: spans keep path, not query.
  const attributes = { 'http.request.method': method, 'url.full': url.split('?')[0]! };
  return inSpan(`controller ${method}`, { kind: SpanKind.CLIENT, attributes }, async (span) => {
    let res;
    try {
      res = await fetch(url, {
        method,
        headers: {
          ...traceHeaders(),
          ...(call.body === undefined ? {} : { 'content-type': 'application/json' }),
          ...call.headers,
        },
        body: call.body === undefined ? undefined : JSON.stringify(call.body),
        signal: AbortSignal.timeout(call.timeoutMs),
        dispatcher: call.dispatcher,
      });
    } catch (err) {
      const cause = (err as Error).cause as Error | undefined;
      const why = [(err as Error).message, cause?.message].filter(Boolean).join(': ');
      throw new ControllerUnreachable(`controller unreachable at ${new URL(url).origin}: ${why}`);
    }
    span.setAttribute('http.response.status_code', res.status);
    const text = await res.text().catch(() => '');
    let body: unknown;
    try {
      body = text === '' ? undefined : JSON.parse(text);
    } catch {
      body = undefined;
    }
    return { status: res.status, headers: res.headers as unknown as Headers, body };
  });
}
