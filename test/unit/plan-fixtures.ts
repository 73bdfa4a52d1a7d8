// Hand-built planning contexts for the planner unit tests (not a test file itself).
import type { ChannelObservation } from '../../domain/channel-selection';
import { changesOf, type ControllerStep } from '../../domain/controller-steps';
import type { EventData, EventOf, EventType, RrmEvent } from '../../domain/events';
import type { ActionPlan, ClientView, PlanningContext } from '../../domain/plans';
import { DEFAULT_POLICY, type Policy } from '../../domain/policy';
import { radioOf, type ApSnapshot, type ConfigurationChange, type RadioState } from '../../domain/radio';
import { channelsOfBand, type Radio, type RegulatoryDomain } from '../../domain/regulatory';

export const T = '2025-03-01T12:00:00.000Z';

/** An event of `type` with `data`, as the ingest would have made it. */
export function event<K extends EventType>(
  type: K,
  data: EventData[K],
  o: { confidence?: number; radio?: Radio; apId?: string } = {},
): EventOf<K> {
  // The pairing of `type` and `data` holds by the signature; TypeScript cannot follow it through K.
  return {
    eventId: 'e-1',
    type,
    apId: o.apId ?? 'ap-01',
    radio: o.radio ?? '5g',
    confidence: o.confidence ?? 1,
    detectedAt: T,
    receivedAt: T,
    source: 'SENSING_API',
    data,
  } as EventOf<K>;
}

const DEFAULT_RADIOS: Record<Radio, RadioState> = {
  '2g': {
    channel: 6,
    width: 20,
    txPowerDbm: 17,
    obssPdDbm: -82,
    admissionCap: null,
    clientCount: 0,
    version: 1,
  },
  '5g': {
    channel: 36,
    width: 80,
    txPowerDbm: 20,
    obssPdDbm: -82,
    admissionCap: null,
    clientCount: 0,
    version: 1,
  },
  '6g': {
    channel: 37,
    width: 80,
    txPowerDbm: 18,
    obssPdDbm: -82,
    admissionCap: null,
    clientCount: 0,
    version: 1,
  },
};

/** An AP with the given radios (each filled from a per-band default). */
export function ap(
  apId: string,
  radios: Partial<Record<Radio, Partial<RadioState>>>,
  o: Partial<Omit<ApSnapshot, 'apId' | 'radios'>> = {},
): ApSnapshot {
  const filled: Partial<Record<Radio, RadioState>> = {};
  for (const [radio, state] of Object.entries(radios) as [Radio, Partial<RadioState>][]) {
    filled[radio] = { ...DEFAULT_RADIOS[radio], ...state };
  }
  return {
    apId,
    regulatoryDomain: 'US',
    version: 7,
    status: 'UP',
    adminStatus: 'UP',
    neighbors: [],
    power: { budgetWatts: 25.5, drawWatts: 20 },
    ...o,
    radios: filled,
  };
}

export function context(o: {
  event: RrmEvent;
  ap: ApSnapshot;
  closed?: number[];
  unavailable?: number[];
  policy?: Policy;
  observations?: ChannelObservation[];
  clients?: ClientView[];
  neighbours?: ApSnapshot[];
}): PlanningContext {
  const radio = radioOf(o.ap, o.event.radio);
  if (!radio) throw new Error(`fixture: ${o.ap.apId} has no ${o.event.radio} radio`);
  return {
    event: o.event,
    ap: o.ap,
    radio,
    closedChannels: o.closed ?? [],
    unavailableChannels: o.unavailable ?? [],
    policy: o.policy ?? DEFAULT_POLICY,
    observations: o.observations,
    clients: o.clients,
    neighbours: o.neighbours,
  };
}

export const obs = (channel: number, o: Partial<ChannelObservation> = {}): ChannelObservation => ({
  channel,
  neighborCount: 0,
  strongestNeighborDbm: null,
  nonWifiDutyCyclePct: 0,
  clientSupportPct: 100,
  ...o,
});

/** A scan of the whole 5 GHz band, clean unless overridden. */
export const scan = (
  domain: RegulatoryDomain,
  overrides: Record<number, Partial<ChannelObservation>> = {},
): ChannelObservation[] => channelsOfBand('5g', domain).map((c) => obs(c, overrides[c]));

export type ChangePlan = Extract<ActionPlan, { kind: 'change' }>;

export function change(plan: ActionPlan): ChangePlan {
  if (plan.kind !== 'change') throw new Error(`expected a change, got ${plan.kind}: ${plan.explanation}`);
  return plan;
}

/** The plan's changes in the audit's words, relative to the context's own AP and radio. */
export const changesIn = (ctx: PlanningContext, plan: ActionPlan): ConfigurationChange[] =>
  changesOf(change(plan).steps, { apId: ctx.ap.apId, radio: ctx.radio.radio });

export { policyWith } from '../support/policy';

export const client = (
  clientId: string,
  o: Partial<Omit<ClientView, 'clientId' | 'candidates'>> & {
    candidates?: Partial<ClientView['candidates'][number]>[];
  } = {},
): ClientView => ({
  clientId,
  qoe: o.qoe ?? 0.9,
  rssiDbm: o.rssiDbm ?? -60,
  btmCapable: o.btmCapable ?? true,
  candidates: (o.candidates ?? []).map((c) => ({
    apId: c.apId ?? 'ap-02',
    rssiDbm: c.rssiDbm ?? -60,
    clientCount: c.clientCount ?? 0,
    admissionCap: c.admissionCap ?? null,
  })),
});

export type SteerStep = Extract<ControllerStep, { kind: 'steer' }>;
export type RadioStep = Extract<ControllerStep, { kind: 'radio' }>;

export const steerSteps = (plan: ActionPlan): SteerStep[] =>
  change(plan).steps.filter((s): s is SteerStep => s.kind === 'steer');

export const radioSteps = (plan: ActionPlan): RadioStep[] =>
  change(plan).steps.filter((s): s is RadioStep => s.kind === 'radio');

/** Which AP each steered client goes to. */
export const destinations = (plan: ActionPlan): Record<string, string> =>
  Object.fromEntries(steerSteps(plan).flatMap((s) => s.clientIds.map((id) => [id, s.targetApId])));
