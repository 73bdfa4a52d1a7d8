// Load imbalance: steer clients from this AP to under-loaded neighbours until loads even out.
import { steeringSteps, steeringUnavailable } from './steering';
import type { Planner } from './types';

export const loadBalancing: Planner = {
  needs: { clients: true, neighbours: true },
  plan(ctx) {
    const radio = ctx.radio.radio;
    const own = ctx.ap.radios[radio]!.clientCount;
    const serving = (ctx.neighbours ?? []).filter(
      (n) => n.status === 'UP' && n.adminStatus === 'UP' && n.radios[radio],
    );
    const loads = serving.map((n) => n.radios[radio]!.clientCount);
    if (loads.length === 0) return { kind: 'no_action', explanation: 'no neighbour to share the load with' };
    const mean = loads.reduce((a, b) => a + b, 0) / loads.length;
    const excess = Math.floor((own - mean) / 2);
    const why = `${own} clients against a neighbour mean of ${mean.toFixed(1)}`;
    if (excess < 1) return { kind: 'no_action', explanation: `${why}: balanced enough` };
    const unavailable = steeringUnavailable(ctx, why);
    if (unavailable) return unavailable;
    const { minCandidateRssiDbm, maxClientsPerAction } = ctx.policy.load;
    // Clients that hear a neighbour best move first: their experience improves too.
    const clients = [...(ctx.clients ?? [])].sort(
      (a, b) =>
        (b.candidates[0]?.rssiDbm ?? -200) - b.rssiDbm - ((a.candidates[0]?.rssiDbm ?? -200) - a.rssiDbm),
    );
    const steps = steeringSteps(ctx, clients, {
      minCandidateRssiDbm,
      maxTargetClients: Math.ceil(mean + excess / 2),
      maxClients: Math.min(excess, maxClientsPerAction),
      allowedTargets: new Set(serving.map((n) => n.apId)),
    });
    if (steps.length === 0)
      return { kind: 'no_action', explanation: `${why}: no client can move to a lighter neighbour` };
    const count = steps.reduce((n, s) => n + (s.kind === 'steer' ? s.clientIds.length : 0), 0);
    return {
      kind: 'change',
      actionType: 'CLIENT_STEERING',
      steps,
      explanation: `${why}: steering ${count} client(s) to under-loaded neighbours`,
    };
  },
};
