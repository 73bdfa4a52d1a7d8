// The controller port over the built-in simulator's native REST API (`/v1/aps/...`): HTTP in,
// domain types out, the simulator's refusals mapped onto the failures the workflow decides on.
import { z } from 'zod';
import type { ChannelObservation } from '../../domain/channel-selection';
import type { Detection } from '../../domain/detections';
import type { ClientView } from '../../domain/plans';
import { RADIOS, REGULATORY_DOMAINS, WIDTHS } from '../../domain/regulatory';
import { configOf, type ApSnapshot, type RadioState } from '../../domain/radio';
import { httpCall, type HttpMethod } from './http';
import { ControllerError, type ControllerFailureType, type ControllerPort } from './port';

/** Refusals by HTTP status; anything else is retried as "unreachable". */
const REFUSALS: Record<number, ControllerFailureType> = {
  400: 'ControllerRefused',
  404: 'UnknownAp',
  409: 'VersionConflict',
  422: 'ControllerRefused',
};

/** A read answers in well under this; a change waits for the simulator's apply. */
const TIMEOUT_MS = 2_500;
/** Listing the whole floor, or everything the sensing side sees, may take longer. */
const LISTING_TIMEOUT_MS = 5_000;

/** Only the fields the loop works with; a controller without admission control reports no cap. */
const radioStateOf = (r: RadioState): RadioState => ({
  ...configOf({ ...r, admissionCap: r.admissionCap ?? null }),
  clientCount: r.clientCount,
  version: r.version,
});

const RadioConfigSchema = z.object({
  channel: z.number().int(),
  width: z.union(WIDTHS.map((w) => z.literal(w))),
  txPowerDbm: z.number(),
  obssPdDbm: z.number(),
  admissionCap: z.number().int().nullable().default(null),
});

/** `GET /v1/aps/:apId/changes`: the AP's change log, each with the change id that made it. */
const ChangesSchema = z.object({
  changes: z.array(
    z.object({
      changeId: z.string(),
      radio: z.enum(RADIOS),
      previous: RadioConfigSchema,
      current: RadioConfigSchema,
    }),
  ),
});

const FloorSchema = z.object({
  aps: z.array(
    z.object({
      apId: z.string(),
      status: z.string(),
      radios: z.partialRecord(
        z.enum(RADIOS),
        z.object({ channel: z.number(), width: z.number(), txPowerDbm: z.number(), clientCount: z.number() }),
      ),
      x: z.number().optional(),
      y: z.number().optional(),
      neighbors: z.array(z.string()).optional(),
      regulatoryDomain: z.enum(REGULATORY_DOMAINS).optional(),
    }),
  ),
});

/**
 * `GET …/metrics`: the figures the monitor judges by. Without an association rate none is read, without
 * the transmitting flag the radio is on the air; without a client count or airtime, they are unknown.
 */
const MetricsSchema = z.object({
  per: z.number().min(0).max(1),
  retryRate: z.number().min(0).max(1),
  throughputMbps: z.number().min(0),
  disconnectsPerMin: z.number().min(0),
  avgQoe: z.number().min(0).max(1),
  associationsPerMin: z.number().min(0).default(0),
  transmitting: z.boolean().default(true),
  clientCount: z.number().int().min(0).optional(),
  airtimePct: z.number().min(0).max(100).optional(),
});

export function createSimulatorController(controllerUrl: string): ControllerPort {
  const base = controllerUrl.replace(/\/$/, '');
  const ap = (apId: string) => `/v1/aps/${encodeURIComponent(apId)}`;

  async function call<T>(
    method: HttpMethod,
    path: string,
    body?: unknown,
    timeoutMs = TIMEOUT_MS,
  ): Promise<T> {
    const res = await httpCall({ method, url: `${base}${path}`, body, timeoutMs });
    const payload = (res.body ?? {}) as Record<string, unknown>;
    if (res.status >= 200 && res.status < 300) return payload as T;
    const message = `${method} ${path} → ${res.status} ${String(payload.error ?? '')}: ${String(payload.message ?? '')}`;
    // Radar on the requested channel (the AP's own detection or CAC): the workflow re-plans around it.
    const type = payload.error === 'channel_unavailable' ? 'ChannelUnavailable' : REFUSALS[res.status];
    if (type) throw new ControllerError(type, message, payload);
    throw new Error(message);
  }

  return {
    async readAp(apId) {
      const s = await call<ApSnapshot>('GET', ap(apId)).catch((err: unknown) => {
        // Named, so the event can refuse an AP the controller does not know (not wait for an operator).
        if (err instanceof ControllerError && err.type === 'UnknownAp') {
          throw new ControllerError('UnknownAp', `the controller does not know AP ${apId}`, { apId });
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
      const path = `${ap(apId)}/radios/${radio}/metrics`;
      const parsed = MetricsSchema.safeParse(await call('GET', path));
      if (!parsed.success) {
        const issue = parsed.error.issues[0]!;
        throw new ControllerError(
          'ControllerProtocol',
          `GET ${path}: ${issue.path.join('.')}: ${issue.message}`,
        );
      }
      return parsed.data;
    },

    async applyStep({ step, changeId, expectedVersion }) {
      switch (step.kind) {
        case 'radio': {
          const res = await call<{ version: number; duplicate: boolean }>(
            'POST',
            `${ap(step.apId)}/radios/${step.radio}/config`,
            { changeId, expectedVersion, changes: step.target },
          );
          return { version: res.version, duplicate: res.duplicate };
        }
        case 'steer': {
          const res = await call<{ steered: string[]; duplicate: boolean }>(
            'POST',
            `${ap(step.apId)}/radios/${step.radio}/steer`,
            { changeId, clientIds: step.clientIds, targetApId: step.targetApId },
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

    async changeOf(apId, changeId) {
      const parsed = ChangesSchema.safeParse(await call('GET', `${ap(apId)}/changes`));
      if (!parsed.success) {
        throw new ControllerError(
          'ControllerProtocol',
          `GET ${ap(apId)}/changes: ${parsed.error.issues[0]?.message}`,
        );
      }
      const change = parsed.data.changes.find((c) => c.changeId === changeId);
      if (!change) return undefined;
      const { radio, previous, current } = change;
      return { radio, from: previous, to: current };
    },

    async listAps() {
      const parsed = FloorSchema.safeParse(await call('GET', '/v1/aps', undefined, LISTING_TIMEOUT_MS));
      if (!parsed.success) {
        throw new ControllerError('ControllerProtocol', `GET /v1/aps: ${parsed.error.issues[0]?.message}`);
      }
      return parsed.data.aps.map(({ x, y, ...ap }) => ({
        ...ap,
        ...(x !== undefined && y !== undefined ? { position: { x, y } } : {}),
      }));
    },

    async readDetections() {
      return (await call<{ detections: Detection[] }>('GET', '/v1/sensing', undefined, LISTING_TIMEOUT_MS))
        .detections;
    },
  };
}
