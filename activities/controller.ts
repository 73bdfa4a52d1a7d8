// Adapter to the wireless controller's REST API (the built-in simulator, or a real controller that
// speaks the same API). Thin: HTTP in, domain types out, controller errors mapped to failure types
// the workflow decides on.
import { ApplicationFailure } from '@temporalio/activity';
import type { ChannelObservation } from '../domain/channel-selection';
import type { Radio } from '../domain/regulatory';
import type { RadioConfig, RadioSnapshot } from '../domain/radio';
import type { RadioSample } from '../domain/rollback-rules';

export interface ApplyRadioConfig {
  apId: string;
  radio: Radio;
  /** Idempotency key: the controller applies one change id once. */
  changeId: string;
  /** Compare-and-set guard: the AP version the change was planned against. */
  expectedVersion: number;
  target: Partial<RadioConfig>;
}

export interface AppliedConfig {
  version: number;
  appliedAt: string;
  config: RadioConfig;
  duplicate: boolean;
}

export interface ControllerActivities {
  readRadio(apId: string, radio: Radio): Promise<RadioSnapshot>;
  scanChannels(apId: string, radio: Radio): Promise<ChannelObservation[]>;
  sampleRadio(apId: string, radio: Radio): Promise<RadioSample>;
  applyRadioConfig(request: ApplyRadioConfig): Promise<AppliedConfig>;
}

interface RadioState extends RadioConfig {
  band: Radio;
  clientCount: number;
}

const configOf = (r: RadioState): RadioConfig => ({
  channel: r.channel,
  width: r.width,
  txPowerDbm: r.txPowerDbm,
  obssPdDbm: r.obssPdDbm,
});

/** Failure types the workflow tells apart; anything else is retried as "unreachable". */
const NON_RETRYABLE: Record<number, string> = {
  404: 'UnknownAp',
  409: 'VersionConflict',
  422: 'ControllerRefused',
  400: 'ControllerRefused',
};

export function createControllerActivities(controllerUrl: string): ControllerActivities {
  const base = controllerUrl.replace(/\/$/, '');

  async function call<T>(method: 'GET' | 'POST', path: string, body?: unknown): Promise<T> {
    let res: Response;
    try {
      res = await fetch(`${base}${path}`, {
        method,
        headers: body === undefined ? {} : { 'content-type': 'application/json' },
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: AbortSignal.timeout(2_500),
      });
    } catch (err) {
      throw new Error(`controller unreachable at ${base}: ${(err as Error).message}`);
    }
    const payload = (await res.json().catch(() => ({}))) as Record<string, unknown>;
    if (res.ok) return payload as T;
    const message = `${method} ${path} → ${res.status} ${String(payload.error ?? '')}: ${String(payload.message ?? '')}`;
    const type = NON_RETRYABLE[res.status];
    if (type) throw ApplicationFailure.nonRetryable(message, type, payload);
    throw new Error(message);
  }

  return {
    async readRadio(apId, radio) {
      const ap = await call<{
        version: number;
        regulatoryDomain: RadioSnapshot['regulatoryDomain'];
        radios: Partial<Record<Radio, RadioState>>;
      }>('GET', `/v1/aps/${encodeURIComponent(apId)}`);
      const state = ap.radios[radio];
      if (!state) throw ApplicationFailure.nonRetryable(`AP ${apId} has no ${radio} radio`, 'UnknownAp');
      return {
        apId,
        radio,
        regulatoryDomain: ap.regulatoryDomain,
        version: ap.version,
        config: configOf(state),
      };
    },

    async scanChannels(apId, radio) {
      const scan = await call<{ channels: ChannelObservation[] }>(
        'GET',
        `/v1/aps/${encodeURIComponent(apId)}/radios/${radio}/scan`,
      );
      return scan.channels;
    },

    async sampleRadio(apId, radio) {
      const m = await call<RadioSample>('GET', `/v1/aps/${encodeURIComponent(apId)}/radios/${radio}/metrics`);
      return {
        per: m.per,
        retryRate: m.retryRate,
        throughputMbps: m.throughputMbps,
        disconnectsPerMin: m.disconnectsPerMin,
        avgQoe: m.avgQoe,
      };
    },

    async applyRadioConfig({ apId, radio, changeId, expectedVersion, target }) {
      const res = await call<{ version: number; appliedAt: string; current: RadioState; duplicate: boolean }>(
        'POST',
        `/v1/aps/${encodeURIComponent(apId)}/radios/${radio}/config`,
        { changeId, expectedVersion, changes: target },
      );
      return {
        version: res.version,
        appliedAt: res.appliedAt,
        config: configOf(res.current),
        duplicate: res.duplicate,
      };
    },
  };
}
