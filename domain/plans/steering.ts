// BSS-transition steering: which clients go to which neighbour, grouped into one step per target.
import type { ControllerStep } from '../controller-steps';
import type { ActionPlan, ClientView, PlanningContext } from './types';

export interface SteeringRules {
  /** A candidate neighbour must be heard at least this strongly by the client. */
  minCandidateRssiDbm: number;
  /** Candidates must carry fewer clients than this (exclusive); Infinity = any. */
  maxTargetClients: number;
  /** At most this many clients in one action. */
  maxClients: number;
  /** When given, only these APs may receive clients (e.g. the neighbours known to be up). */
  allowedTargets?: ReadonlySet<string>;
}

/** Why the AP's controller cannot steer clients, when it cannot: the plan says so and does nothing. */
export function steeringUnavailable(ctx: PlanningContext, why: string): ActionPlan | undefined {
  const limit = ctx.ap.limits?.steering;
  return limit
    ? { kind: 'no_action', explanation: `${why}: steering is not available (${limit})` }
    : undefined;
}

/** For each client (in the given order) the strongest acceptable neighbour with room left. */
export function steeringSteps(
  ctx: PlanningContext,
  clients: ClientView[],
  rules: SteeringRules,
): ControllerStep[] {
  const load = new Map<string, number>();
  const byTarget = new Map<string, string[]>();
  let moved = 0;
  for (const client of clients) {
    if (moved >= rules.maxClients || !client.btmCapable) continue;
    const target = client.candidates.find((c) => {
      const count = load.get(c.apId) ?? c.clientCount;
      const hasRoom = c.admissionCap === null || count < c.admissionCap;
      const allowed = rules.allowedTargets?.has(c.apId) ?? true;
      return allowed && c.rssiDbm >= rules.minCandidateRssiDbm && hasRoom && count < rules.maxTargetClients;
    });
    if (!target) continue;
    load.set(target.apId, (load.get(target.apId) ?? target.clientCount) + 1);
    byTarget.set(target.apId, [...(byTarget.get(target.apId) ?? []), client.clientId]);
    moved++;
  }
  return [...byTarget.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([targetApId, clientIds]) => ({
      kind: 'steer',
      apId: ctx.ap.apId,
      radio: ctx.radio.radio,
      clientIds,
      targetApId,
    }));
}
