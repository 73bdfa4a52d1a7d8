// Request validation for the simulator's REST API (zod). Failures become
// 400 { error: 'invalid_request', message, issues: [{ path, message }] }.
import { z } from 'zod';
import { RADIOS, WIDTHS } from '../domain/regulatory';

const id = z.string().regex(/^[A-Za-z0-9._:-]{1,128}$/, 'expected 1-128 of [A-Za-z0-9._:-]');

export const radioParam = z.enum(RADIOS);

export const configRequestSchema = z.object({
  changeId: id,
  expectedVersion: z.number().int().nonnegative(),
  changes: z
    .strictObject({
      channel: z.number().int().positive().optional(),
      width: z.literal([...WIDTHS]).optional(),
      // Ranges and the 1:1 cap are the controller's business (422), not the request shape's.
      txPowerDbm: z.number().optional(),
      obssPdDbm: z.number().optional(),
      /** null lifts the cap. */
      admissionCap: z.number().int().nonnegative().nullable().optional(),
    })
    .refine((c) => Object.values(c).some((v) => v !== undefined), {
      message: 'expected at least one of channel, width, txPowerDbm, obssPdDbm, admissionCap',
    }),
});

export const adminRequestSchema = z.object({
  changeId: id,
  expectedVersion: z.number().int().nonnegative(),
  adminStatus: z.enum(['UP', 'DOWN']),
});

export const steerRequestSchema = z.object({
  changeId: id,
  clientIds: z.array(z.string().min(1).max(64)).min(1).max(500),
  targetApId: id,
});

export const radarSchema = z.object({ channel: z.number().int().positive() });

export const interfererSchema = z.object({
  interfererId: id,
  type: z.string().regex(/^[a-z0-9_]{1,32}$/, 'expected a snake_case type such as microwave or video_bridge'),
  radio: z.enum(RADIOS),
  channels: z.array(z.number().int().positive()).min(1),
  dutyCyclePct: z.number().min(0).max(100),
  powerDbm: z.number().min(-100).max(40),
  x: z.number(),
  y: z.number(),
});

export const controllerFaultSchema = z.object({
  mode: z.enum(['unreachable', 'refuse']),
  count: z.number().int().min(1).max(1000).default(1),
});

/** Test hook: a flapping link that answers every `every`-th controller request 503 (simulator/flapping-link.ts). */
export const flappingSchema = z.object({ every: z.number().int().min(2).max(100).default(2) });

/** Test hooks: hold an AP's configuration changes, or its scans, until lifted (simulator/request-hold.ts). */
export const holdSchema = z.object({ apId: id });
export const holdLiftSchema = z.object({
  apId: id.optional(),
  /** What becomes of the held requests: carried out, or refused as by a controller that restarted. */
  held: z.enum(['apply', 'refuse']).default('apply'),
});

export const apFailureSchema = z.object({
  apId: id,
  component: z.string().min(1).max(64).default('ap'),
  detail: z.string().max(512).default('AP stopped responding (injected failure)'),
});

export const powerBudgetSchema = z.object({ apId: id, budgetWatts: z.number().positive().max(100) });

export const roamersSchema = z.object({
  apId: id,
  radio: z.enum(RADIOS).default('5g'),
  count: z.number().int().min(1).max(500),
});

export const clientSurgeSchema = z.object({
  apId: id,
  radio: z.enum(RADIOS).default('5g'),
  count: z.number().int().min(1).max(500),
  /** A crowd that arrived gradually: load without a density spike. */
  settled: z.boolean().default(false),
});

export interface Issue {
  path: string;
  message: string;
}

export const issuesOf = (error: z.ZodError, prefix = ''): Issue[] =>
  error.issues.map((i) => ({
    path: [prefix, ...i.path.map(String)].filter((p) => p !== '').join('.') || 'body',
    message: i.message,
  }));

/** A failure mode of the OpenWiFi face (simulator/openwifi/gateway.ts `GatewayFault`). */
export const openWifiFaultSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('configure_refused'), count: z.number().int().min(1).default(1) }),
  z.object({
    kind: z.literal('fields_rejected'),
    fields: z
      .array(z.enum(['channel', 'channel-width', 'tx-power', 'maximum-clients', 'hostapd-iface-raw']))
      .min(1),
    count: z.number().int().min(1).default(1),
  }),
  z.object({
    kind: z.literal('rate_limited'),
    retryAfterS: z.number().int().min(0).max(60).default(1),
    count: z.number().int().min(1).default(1),
  }),
  z.object({ kind: z.literal('device_busy'), count: z.number().int().min(1).default(1) }),
  z.object({ kind: z.literal('malformed'), count: z.number().int().min(1).default(1) }),
]);

export const openWifiOfflineSchema = z.object({ apId: id, offline: z.boolean().default(true) });
