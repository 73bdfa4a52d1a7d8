// Calls to the OpenWiFi gateway (owgw): authorized, bounded in number (the calls beyond the bound
// wait their turn before their timeout starts: a timeout measures the gateway, not this queue),
// each with its own timeout, over TLS with the deployment's CA. Its answers are sorted here: a
// pause it asks for (429 with Retry-After, its rate limit, a device busy with another command) is
// `ControllerBusy`; a token it no longer takes is renewed once; any other refusal is a
// `GatewayRefusal` for the adapter to read.
import { readFileSync } from 'node:fs';
import { Agent } from 'undici';
import { limiter } from '../../../client/library/limiter';
import { httpCall, type HttpCall, type HttpMethod } from '../http';
import { ControllerBusy } from '../port';
import { GatewayAuth, type GatewayCredentials } from './auth';

export interface GatewaySettings extends GatewayCredentials {
  /** owgw's REST API, e.g. https://gw.example.net:16002/api/v1. */
  gatewayUrl: string;
  /** PEM file of the CA that signed the gateway's certificate (self-signed gateways are the norm). */
  caFile?: string;
  /** Calls in flight at once. */
  maxConcurrent: number;
}

/** A refusal in the gateway's words: HTTP status and its error number (`1033: …` → 1033). */
export class GatewayRefusal extends Error {
  constructor(
    readonly status: number,
    readonly code: number | undefined,
    readonly description: string,
  ) {
    super(description);
  }
}

/** When the gateway names no pause (its own rate limit, a busy device): wait this long. */
const DEFAULT_PAUSE_MS = 1_000;
const BACKGROUND_CALLS = 2;
const RATE_LIMITED = 10;
const EXPIRED_TOKEN = 9;
const INVALID_TOKEN = 8;
const DEVICE_BUSY = 1145;

export class GatewayClient {
  private readonly base: string;
  private readonly auth: GatewayAuth;
  private readonly dispatcher: Agent;
  private readonly limit: <T>(task: () => Promise<T>) => Promise<T>;
  /** Upkeep (the neighbour graph) takes at most this many of the slots: events come first. */
  private readonly background = limiter(BACKGROUND_CALLS);

  constructor(settings: GatewaySettings) {
    this.base = settings.gatewayUrl.replace(/\/$/, '');
    this.limit = limiter(settings.maxConcurrent);
    this.dispatcher = new Agent({
      connections: settings.maxConcurrent,
      ...(settings.caFile ? { connect: { ca: readFileSync(settings.caFile) } } : {}),
    });
    const transport = (call: HttpCall) => httpCall({ ...call, dispatcher: this.dispatcher });
    this.auth = new GatewayAuth(settings, transport);
  }

  get(path: string, timeoutMs: number): Promise<unknown> {
    return this.request('GET', path, undefined, timeoutMs);
  }

  /** A read for the adapter's own upkeep, never holding more than a few of the slots. */
  getInBackground(path: string, timeoutMs: number): Promise<unknown> {
    return this.background(() => this.request('GET', path, undefined, timeoutMs));
  }

  post(path: string, body: unknown, timeoutMs: number): Promise<unknown> {
    return this.request('POST', path, body, timeoutMs);
  }

  private async request(
    method: HttpMethod,
    path: string,
    body: unknown,
    timeoutMs: number,
  ): Promise<unknown> {
    const what = `${method} ${path.split('?')[0]}`;
    for (let attempt = 1; ; attempt++) {
      const headers = await this.auth.headers();
      const res = await this.limit(() =>
        httpCall({
          method,
          url: `${this.base}${path}`,
          body,
          headers,
          timeoutMs,
          dispatcher: this.dispatcher,
        }),
      );
      if (res.status >= 200 && res.status < 300) return res.body;
      const answer = (res.body ?? {}) as { ErrorCode?: unknown; ErrorDescription?: unknown };
      const description = String(answer.ErrorDescription ?? `HTTP ${res.status}`);
      const code = Number(/^(\d+):/.exec(description)?.[1] ?? answer.ErrorCode) || undefined;
      if (res.status === 429 || (res.status === 403 && answer.ErrorCode === RATE_LIMITED)) {
        const pause = retryAfterMs(res.headers.get('retry-after'));
        throw new ControllerBusy(`OpenWiFi gateway: ${what} rate-limited (retry after ${pause} ms)`, pause);
      }
      if (code === DEVICE_BUSY) {
        throw new ControllerBusy(`OpenWiFi gateway: ${what}: ${description}`, DEFAULT_PAUSE_MS);
      }
      const refusedToken =
        res.status === 403 && (answer.ErrorCode === EXPIRED_TOKEN || answer.ErrorCode === INVALID_TOKEN);
      if (refusedToken && this.auth.usesTokens && attempt === 1) {
        this.auth.refused(headers);
        continue;
      }
      if (res.status >= 500)
        throw new Error(`OpenWiFi gateway: ${what} answered ${res.status}: ${description}`);
      throw new GatewayRefusal(res.status, code, `OpenWiFi gateway: ${what} → ${res.status} ${description}`);
    }
  }
}

/** A Retry-After header in seconds (the form gateways and proxies send), else the default pause. */
function retryAfterMs(header: string | null): number {
  const seconds = header === null || header.trim() === '' ? NaN : Number(header);
  return Number.isFinite(seconds) && seconds >= 0 ? seconds * 1000 : DEFAULT_PAUSE_MS;
}
