// The event contract of docs/event-contract.md: what sensing sources send, validated with zod, and the
// normalised event the workflows receive. Pure: the ingest time and id generator are passed in.
import { z } from 'zod';
import type { JointMoveGain } from './joint-plan';
import { RADIOS, type ChannelWidth, type Radio } from './regulatory';
import { safeText } from './safe-text';
import {
  EVENT_SOURCES,
  EVENT_TYPE_ALIASES,
  EVENT_TYPES,
  SEVERITIES,
  type EventSource,
  type EventType,
  type ExternalEventType,
  type Severity,
} from './event-types';

export * from './event-types';

/** Clock skew tolerated on `detectedAt` before an event counts as coming from the future. */
export const MAX_FUTURE_SKEW_MS = 60_000;

/** One rule, one message: an id is 1–max characters from a small safe alphabet. */
const identifier = (max: number) =>
  z
    .string()
    .regex(
      new RegExp(`^[A-Za-z0-9._:-]{1,${max}}$`),
      `must be 1–${max} characters of letters, digits and . _ : -`,
    );

/** An event's id and an AP's id as the contract allows them (also the HTTP API's path parameters). */
export const EVENT_ID = identifier(128);
export const AP_ID = identifier(64);

/** More clients than any radio associates: a longer list is refused, not carried into the audit trail. */
export const MAX_CLIENTS_PER_EVENT = 1_000;

const channelNumber = z.number().int().min(1).max(233);

/** Per-type `data`, strict so a misspelt field is reported instead of ignored. */
export const EVENT_DATA_SCHEMAS = {
  DFS_RADAR: z.strictObject({
    channel: channelNumber.describe('5 GHz channel the radar was detected on'),
  }),
  NON_WIFI_BURST: z.strictObject({
    channel: channelNumber.optional().describe('channel the interferer was seen on (default: the radio’s)'),
    dutyCyclePct: z.number().min(0).max(100).optional(),
    rssiDbm: z.number().min(-120).max(0).optional(),
    interfererType: safeText({ max: 64 }).optional(),
  }),
  SPECTRUM_SAT: z.strictObject({
    channel: channelNumber.optional(),
    utilizationPct: z.number().min(0).max(100).optional(),
  }),
  QOE_DEGRADATION: z.strictObject({
    clients: z
      .array(z.strictObject({ clientId: safeText({ max: 64 }), qoe: z.number().min(0).max(1) }))
      .min(1)
      .max(MAX_CLIENTS_PER_EVENT),
  }),
  DENSITY_SPIKE: z.strictObject({
    associatedClients: z.number().int().min(0).optional(),
    associationsPerMin: z.number().min(0).optional(),
  }),
  HW_FAILURE: z.strictObject({
    component: safeText({ max: 64 }).optional(),
    detail: safeText({ min: 0, max: 512 }).optional(),
  }),
  POWER_BUDGET_EXCEEDED: z.strictObject({
    budgetWatts: z.number().positive().optional(),
    drawWatts: z.number().positive().optional(),
  }),
  LOAD_IMBALANCE: z.strictObject({
    clientCount: z.number().int().min(0).optional(),
  }),
} as const satisfies Record<ExternalEventType, z.ZodType>;

const commonFields = {
  eventId: EVENT_ID.optional().describe('idempotency key; generated when absent'),
  apId: AP_ID,
  radio: z.enum(RADIOS).default('5g'),
  severity: z.enum(SEVERITIES).optional().describe("override of the type's default severity"),
  confidence: z.number().min(0).max(1).default(1),
  detectedAt: z.iso.datetime({ offset: true }).optional().describe('default: time of ingest'),
  source: z.enum(EVENT_SOURCES).default('SENSING_API'),
};

/** One type's event, its aliases normalised to the type. */
function variant<T extends ExternalEventType, D extends z.ZodType>(type: T, data: D) {
  const aliases = Object.entries(EVENT_TYPE_ALIASES)
    .filter(([, target]) => target === type)
    .map(([alias]) => alias);
  return z.strictObject({
    ...commonFields,
    type: z.enum([type, ...aliases]).transform((): T => type),
    data,
  });
}

/** `data` with no required field, which an event may leave out altogether. */
function omissible<S extends z.ZodObject>(schema: S) {
  return schema.optional().transform((d) => d ?? schema.parse({}));
}

const DATA = EVENT_DATA_SCHEMAS;

/** One event as a sensing source sends it. */
export const EventInputSchema = z.discriminatedUnion('type', [
  variant('DFS_RADAR', DATA.DFS_RADAR),
  variant('NON_WIFI_BURST', omissible(DATA.NON_WIFI_BURST)),
  variant('SPECTRUM_SAT', omissible(DATA.SPECTRUM_SAT)),
  variant('QOE_DEGRADATION', DATA.QOE_DEGRADATION),
  variant('DENSITY_SPIKE', omissible(DATA.DENSITY_SPIKE)),
  variant('HW_FAILURE', omissible(DATA.HW_FAILURE)),
  variant('POWER_BUDGET_EXCEEDED', omissible(DATA.POWER_BUDGET_EXCEEDED)),
  variant('LOAD_IMBALANCE', omissible(DATA.LOAD_IMBALANCE)),
]);

/** `data` of a JOINT_REPLAN event: the move the burst workflow chose for one radio (never sent by a source). */
export interface JointReplanMoveData {
  channel: number;
  width: ChannelWidth;
  /** The burst it answers, for the audit and the Temporal UI. */
  burst: { id: string; radios: number; coChannelPairsBefore: number; coChannelPairsAfter: number };
  /** The event whose move of this radio it follows: its watch is taken over (docs/coordination.md). */
  follows?: string;
  /** What the move gains its radio (domain/joint-plan.ts). Absent in events recorded before moves named it. */
  gain?: JointMoveGain;
}

/** `data` of each event type: the contract's after validation, and the loop's own for JOINT_REPLAN. */
export type EventData = { [T in ExternalEventType]: z.output<(typeof EVENT_DATA_SCHEMAS)[T]> } & {
  JOINT_REPLAN: JointReplanMoveData;
};

/** What every event has, whatever its type. */
interface EventFields {
  eventId: string;
  apId: string;
  radio: Radio;
  /** Explicit override, or undefined to use the policy's default for the type. */
  severity?: Severity;
  confidence: number;
  detectedAt: string;
  /** When the loop took the event in; `detectedAt` defaults to it. */
  receivedAt: string;
  source: EventSource;
}

/**
 * An event after validation and normalisation: what an `rrmEvent` workflow is started with. A union
 * by `type`, so that checking the type gives its `data` (`event.data.channel` of a DFS_RADAR event
 * is a number).
 */
export type RrmEvent = { [T in EventType]: EventFields & { type: T; data: EventData[T] } }[EventType];

/** The events of one type. */
export type EventOf<T extends EventType> = Extract<RrmEvent, { type: T }>;

export interface FieldError {
  /** Dotted path of the bad field, e.g. `data.channel`; empty for the event as a whole. */
  field: string;
  message: string;
}

export type EventValidation = { ok: true; event: RrmEvent } | { ok: false; errors: FieldError[] };

/**
 * What makes an event the same event when it comes again without an `eventId` (a client's retry
 * after a 503): every field of the contract but the id. Without `detectedAt`, the minute of ingest
 * stands in for it, so a retry within that minute is the same event.
 */
export interface EventIdentity {
  type: EventType;
  apId: string;
  radio: Radio;
  severity: Severity | null;
  confidence: number;
  detectedAt: string;
  source: EventSource;
  data: Record<string, unknown>;
}

export interface IngestContext {
  /** Ingest time. */
  now: Date;
  /** Makes an eventId for an event that came without one, from what identifies it. */
  newEventId: (identity: EventIdentity) => string;
}

/** Validates one raw event and normalises it (aliases, defaults, detectedAt in UTC). */
export function validateEvent(raw: unknown, ctx: IngestContext): EventValidation {
  const parsed = EventInputSchema.safeParse(raw);
  if (!parsed.success) {
    return {
      ok: false,
      errors: parsed.error.issues.flatMap((issue) => {
        const field = issue.path.map(String).join('.');
        // One error per unknown key, so each names its own field.
        if (issue.code === 'unrecognized_keys') {
          return issue.keys.map((key) => ({
            field: field ? `${field}.${key}` : key,
            message: 'is not a known field',
          }));
        }
        return [{ field, message: describeIssue(issue) }];
      }),
    };
  }
  const input = parsed.data;
  if (input.type === 'DFS_RADAR' && input.radio !== '5g') {
    return {
      ok: false,
      errors: [
        { field: 'radio', message: 'must be 5g for DFS_RADAR: radar detection (DFS) is a 5 GHz rule' },
      ],
    };
  }
  const detectedAt = input.detectedAt ? new Date(input.detectedAt) : ctx.now;
  if (detectedAt.getTime() - ctx.now.getTime() > MAX_FUTURE_SKEW_MS) {
    return {
      ok: false,
      errors: [{ field: 'detectedAt', message: 'is more than 60 s in the future' }],
    };
  }
  const identity = (): EventIdentity => ({
    type: input.type,
    apId: input.apId,
    radio: input.radio,
    severity: input.severity ?? null,
    confidence: input.confidence,
    detectedAt: input.detectedAt
      ? detectedAt.toISOString()
      : `ingest minute ${ctx.now.toISOString().slice(0, 16)}`,
    source: input.source,
    data: input.data,
  });
  return {
    ok: true,
    event: {
      ...input,
      eventId: input.eventId ?? ctx.newEventId(identity()),
      detectedAt: detectedAt.toISOString(),
      receivedAt: ctx.now.toISOString(),
    },
  };
}

function describeIssue(issue: z.core.$ZodIssue): string {
  if (issue.code === 'invalid_union' && issue.path.length === 1 && issue.path[0] === 'type') {
    return `must be one of ${[...EVENT_TYPES, ...Object.keys(EVENT_TYPE_ALIASES)].join(', ')}`;
  }
  if (issue.code === 'invalid_type' && issue.message.endsWith('received undefined')) return 'is required';
  return issue.message;
}

/** JSON Schema of the event contract, published by `rrm schema` and the HTTP API. */
export function eventJsonSchema(): Record<string, unknown> {
  return {
    title: 'RRM event',
    ...z.toJSONSchema(EventInputSchema, { io: 'input', unrepresentable: 'any' }),
  };
}
