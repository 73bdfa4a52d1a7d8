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
export type EventType = (typeof EVENT_TYPES)[number];

/** Names some sensing sources use, accepted and normalised on ingest. */
export const EVENT_TYPE_ALIASES = {
  DFS_RADAR_DETECTED: 'DFS_RADAR',
  INTERFERENCE_BURST: 'NON_WIFI_BURST',
} as const satisfies Record<string, EventType>;

export const SEVERITIES = ['CRITICAL', 'HIGH', 'MEDIUM', 'LOW'] as const;
export type Severity = (typeof SEVERITIES)[number];

export const EVENT_SOURCES = ['SENSING_API', 'AUTOMATED', 'MANUAL'] as const;
export type EventSource = (typeof EVENT_SOURCES)[number];
