// Adapter to the wireless controller's REST API (the built-in simulator, or a real controller that
// speaks the same API). Thin: HTTP in, domain types out, controller errors mapped to failure types
// the workflow decides on.
import { inSpan, SpanKind, traceHeaders } from '../config/tracing';
import { ApplicationFailure } from '@temporalio/activity';
import { ApplicationFailureCategory } from '@temporalio/common';
import type { ChannelObservation } from '../domain/channel-selection';
import type { ControllerStep } from '../domain/controller-steps';
import type { ClientView } from '../domain/plans';
import type { Radio } from '../domain/regulatory';
import { configOf, type ApSnapshot, type RadioState } from '../domain/radio';
import type { RadioSample } from '../domain/rollback-rules';

/** A metrics sample, with the association rate the density monitor needs. */
export interface MonitorSample extends RadioSample {
  associationsPerMin: number;
}

export interface StepRequest {
  step: ControllerStep;
  /** Idempotency key: the controller applies one change id once. */
  changeId: string;
  /** Compare-and-set guard: the AP version the step was planned against (radio and admin steps). */
  expectedVersion: number;
}

export interface StepResult {
  /** The AP's configuration version after the step (unchanged by steering). */
  version?: number;
  /** Clients a steer step actually moved. */
  steered?: string[];
  duplicate: boolean;
}

export interface ControllerActivities {
  readAp(apId: string): Promise<ApSnapshot>;
  scanChannels(apId: string, radio: Radio): Promise<ChannelObservation[]>;
  readClients(apId: string, radio: Radio): Promise<ClientView[]>;
  sampleRadio(apId: string, radio: Radio): Promise<MonitorSample>;
  applyStep(request: StepRequest): Promise<StepResult>;
}

/** Failure types the workflow tells apart; anything else is retried as "unreachable". */
const NON_RETRYABLE: Record<number, string> = {
  400: 'ControllerRefused',
  404: 'UnknownAp',
  409: 'VersionConflict',
  422: 'ControllerRefused',
};

/** Refusals the workflow expects and answers by planning again: benign, logged at DEBUG, not counted as failures. */
const REPLANNED = new Set(['ChannelUnavailable', 'VersionConflict']);

/** Only the fields the loop works with; a controller without admission control reports no cap. */
const radioStateOf = (r: RadioState): RadioState => ({
  ...configOf({ ...r, admissionCap: r.admissionCap ?? null }),
  clientCount: r.clientCount,
});

export function createControllerActivities(controllerUrl: string): ControllerActivities {
  const base = controllerUrl.replace(/\/$/, '');
  const ap = (apId: string) => `/v1/aps/${encodeURIComponent(apId)}`;

  /** One controller call, as a span of the activity's trace (a no-op when tracing is off). */
  const call = <T>(method: 'GET' | 'POST', path: string, body?: unknown): Promise<T> =>
    inSpan(
      `controller ${method}`,
      { kind: SpanKind.CLIENT, attributes: { 'http.request.method': method, 'url.full': `${base}${path}` } },
      async (span) => {
        const res = await request<T>(method, path, body);
        span.setAttribute('http.response.status_code', res.status);
        return res.payload;
      },
    );

  async function request<T>(method: 'GET' | 'POST', path: string, body?: unknown) {
    let res: Response;
    try {
      res = await fetch(`${base}${path}`, {
        method,
        headers: { ...traceHeaders(), ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: AbortSignal.timeout(2_500),
      });
    } catch (err) {
      throw new Error(`controller unreachable at ${base}: ${(err as Error).message}`);
    }
    const payload = (await res.json().catch(() => ({}))) as Record<string, unknown>;
    if (res.ok) return { status: res.status, payload: payload as T };
    const message = `${method} ${path} → ${res.status} ${String(payload.error ?? '')}: ${String(payload.message ?? '')}`;
    // Radar on the requested channel (the AP's own detection or CAC): the workflow re-plans around it.
    const type = payload.error === 'channel_unavailable' ? 'ChannelUnavailable' : NON_RETRYABLE[res.status];
    if (type) {
      const category = REPLANNED.has(type) ? ApplicationFailureCategory.BENIGN : undefined;
      throw ApplicationFailure.create({ message, type, nonRetryable: true, details: [payload], category });
    }
    throw new Error(message);
  }

  return {
    async readAp(apId) {
      const s = await call<ApSnapshot>('GET', ap(apId)).catch((err: unknown) => {
        // Named, so the event can refuse an AP the controller does not know (not wait for an operator).
        if (err instanceof ApplicationFailure && err.type === 'UnknownAp') {
          throw ApplicationFailure.create({
            type: 'UnknownAp',
            message: `the controller does not know AP ${apId}`,
            nonRetryable: true,
            details: [{ apId }],
          });
        }
        throw err;
      });
      const radios = Object.fromEntries(
        Object.entries(s.radios).map(([radio, r]) => [radio, radioStateOf(r!)]),
      );
      return {
        apId: s.apId,
        regulatoryDomain: s.regulatoryDomain,
        version: s.version,
        status: s.status,
        adminStatus: s.adminStatus ?? 'UP',
        neighbors: s.neighbors,
        power: s.power,
        radios,
      };
    },

    async scanChannels(apId, radio) {
      return (await call<{ channels: ChannelObservation[] }>('GET', `${ap(apId)}/radios/${radio}/scan`))
        .channels;
    },

    async readClients(apId, radio) {
      const { clients } = await call<{ clients: ClientView[] }>('GET', `${ap(apId)}/radios/${radio}/clients`);
      return clients.map(({ clientId, qoe, rssiDbm, btmCapable, candidates }) => ({
        clientId,
        qoe,
        rssiDbm,
        btmCapable,
        candidates,
      }));
    },

    async sampleRadio(apId, radio) {
      const m = await call<MonitorSample>('GET', `${ap(apId)}/radios/${radio}/metrics`);
      return {
        per: m.per,
        retryRate: m.retryRate,
        throughputMbps: m.throughputMbps,
        disconnectsPerMin: m.disconnectsPerMin,
        avgQoe: m.avgQoe,
        associationsPerMin: m.associationsPerMin ?? 0,
        transmitting: m.transmitting ?? true,
      };
    },

    async applyStep({ step, changeId, expectedVersion }) {
      switch (step.kind) {
        case 'radio': {
          const res = await call<{ version: number; duplicate: boolean }>(
            'POST',
            `${ap(step.apId)}/radios/${step.radio}/config`,
            {
              changeId,
              expectedVersion,
              changes: step.target,
            },
          );
          return { version: res.version, duplicate: res.duplicate };
        }
        case 'steer': {
          const res = await call<{ steered: string[]; duplicate: boolean }>(
            'POST',
            `${ap(step.apId)}/radios/${step.radio}/steer`,
            {
              changeId,
              clientIds: step.clientIds,
              targetApId: step.targetApId,
            },
          );
          return { steered: res.steered, duplicate: res.duplicate };
        }
        case 'admin': {
          const res = await call<{ version: number; duplicate: boolean }>('POST', `${ap(step.apId)}/admin`, {
            changeId,
            expectedVersion,
            adminStatus: step.to,
          });
          return { version: res.version, duplicate: res.duplicate };
        }
      }
    },
  };
}
