// The names of the event contract (docs/event-contract.md): types, severities and sources. Kept
// apart from the zod schemas in events.ts so that workflow code, which re-evaluates its imports
// for every workflow execution, does not build the schemas each time.
export const EVENT_TYPES = [
  'DFS_RADAR',
  'NON_WIFI_BURST',
  'SPECTRUM_SAT',
  'QOE_DEGRADATION',
  'DENSITY_SPIKE',
  'HW_FAILURE',
  'POWER_BUDGET_EXCEEDED',
  'LOAD_IMBALANCE',
] as const;

/**
 * Types the loop raises itself and a sensing source never sends (the ingest refuses them): the
 * moves of a burst's joint re-plan (docs/coordination.md, "Joint re-plan of a burst").
 */
export const INTERNAL_EVENT_TYPES = ['JOINT_REPLAN'] as const;
export const ALL_EVENT_TYPES = [...EVENT_TYPES, ...INTERNAL_EVENT_TYPES] as const;
export type EventType = (typeof ALL_EVENT_TYPES)[number];
/** The types a sensing source may send. */
export type ExternalEventType = (typeof EVENT_TYPES)[number];

/** Names some sensing sources use, accepted and normalised on ingest. */
export const EVENT_TYPE_ALIASES = {
  DFS_RADAR_DETECTED: 'DFS_RADAR',
  INTERFERENCE_BURST: 'NON_WIFI_BURST',
} as const satisfies Record<string, EventType>;

export const SEVERITIES = ['CRITICAL', 'HIGH', 'MEDIUM', 'LOW'] as const;
export type Severity = (typeof SEVERITIES)[number];

export const EVENT_SOURCES = ['SENSING_API', 'AUTOMATED', 'MANUAL'] as const;
export type EventSource = (typeof EVENT_SOURCES)[number];
