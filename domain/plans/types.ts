// The plan stage's contract: what a planner sees, and what it decides.
import type { EventOf, EventType, RrmEvent } from '../events';
import type { Policy } from '../policy';
import type { CandidateScore, ChannelObservation } from '../channel-selection';
import type { ChannelReservation } from '../channel-reservations';
import type { ControllerStep } from '../controller-steps';
import type { ApSnapshot, RadioConfig, RadioSnapshot } from '../radio';

export const ACTION_TYPES = [
  'CHANNEL_CHANGE',
  'OBSS_PD_TUNE',
  'CLIENT_STEERING',
  'ADMISSION_CONTROL',
  'FAILOVER',
  'TX_POWER_REDUCTION',
] as const;
export type ActionType = (typeof ACTION_TYPES)[number];

/** A client as the controller sees it, with the neighbours it could move to (strongest first). */
export interface ClientView {
  clientId: string;
  qoe: number;
  rssiDbm: number;
  btmCapable: boolean;
  candidates: { apId: string; rssiDbm: number; clientCount: number; admissionCap: number | null }[];
}

export interface PlanningContext<E extends RrmEvent = RrmEvent> {
  event: E;
  ap: ApSnapshot;
  radio: RadioSnapshot;
  /** 20 MHz channels of the radio closed by radar on this AP (in their Non-Occupancy Period). */
  closedChannels: number[];
  /**
   * Channels the controller refused for radar when this change was applied: stayed off like closed
   * ones, but they are the controller's word for this apply only (no Non-Occupancy end is known, so
   * they forbid no rollback) and the audit names them apart.
   */
  unavailableChannels: number[];
  policy: Policy;
  /** Present when the planner declared it needs a channel scan. */
  observations?: ChannelObservation[];
  /** Present when the planner declared it needs the clients view. */
  clients?: ClientView[];
  /** Present when the planner declared it needs the neighbour APs. */
  neighbours?: ApSnapshot[];
  /** Channels the AP's RF neighbours' actions in flight have chosen: counted as if already there. */
  reservations?: ChannelReservation[];
  /** Set when the neighbours' bookings could not be read in time: a channel choice draws among ties. */
  blind?: boolean;
}

export type ActionPlan =
  | {
      kind: 'change';
      actionType: ActionType;
      steps: ControllerStep[];
      explanation: string;
      /** Channel scores behind a channel choice, for the audit record. */
      scores?: CandidateScore[];
      /** The CAC the move costs (ms): the radio is off the air for it, and watched from its end. */
      cacMs?: number;
    }
  | { kind: 'no_action'; explanation: string }
  /** Action needed but impossible (e.g. no permitted channel left). */
  | { kind: 'impossible'; explanation: string };

export interface Planner {
  needs: { scan?: boolean; clients?: boolean; neighbours?: boolean };
  plan(ctx: PlanningContext): ActionPlan;
}

/**
 * The planner of one event type, which reads that type's `data` as the contract types it. It is
 * only ever given its own type's events; another type's is a caller's mistake, and throws.
 */
export function plannerFor<T extends EventType>(
  type: T,
  planner: Pick<Planner, 'needs'> & { plan(ctx: PlanningContext<EventOf<T>>): ActionPlan },
): Planner {
  const isOfType = (event: RrmEvent): event is EventOf<T> => event.type === type;
  return {
    needs: planner.needs,
    plan(ctx) {
      const { event } = ctx;
      if (!isOfType(event)) throw new TypeError(`the ${type} planner was given a ${event.type} event`);
      return planner.plan({ ...ctx, event });
    },
  };
}

/** A single radio step on the event's own radio. */
export function ownRadioStep(ctx: PlanningContext, target: Partial<RadioConfig>): ControllerStep {
  return { kind: 'radio', apId: ctx.ap.apId, radio: ctx.radio.radio, from: ctx.radio.config, target };
}
