// QoE collapse: find the root cause. Many poor clients point at the channel (move it); a few point at
// the clients' positions (steer them to the neighbour they hear best).
import { bondedSubchannels } from '../regulatory';
import { channelMove } from './channel-move';
import { steeringSteps, steeringUnavailable } from './steering';
import { plannerFor } from './types';

export const qoeRemedy = plannerFor('QOE_DEGRADATION', {
  needs: { scan: true, clients: true },
  plan(ctx) {
    const { poorQoe, channelChangeShare, minCandidateRssiDbm, maxClientsPerAction } = ctx.policy.qoe;
    const reported = ctx.event.data.clients;
    const poor = reported.filter((c) => c.qoe < poorQoe);
    const share = reported.length ? poor.length / reported.length : 0;
    const why = `${poor.length} of ${reported.length} clients below QoE ${poorQoe} (${Math.round(share * 100)} %)`;
    if (poor.length === 0) return { kind: 'no_action', explanation: `${why}: nothing to fix` };
    if (share > channelChangeShare) {
      const { config, regulatoryDomain } = ctx.radio;
      const operating = bondedSubchannels(ctx.radio.radio, config.channel, config.width, regulatoryDomain);
      return channelMove(ctx, operating, false, `${why}: the channel is the cause`);
    }
    const unavailable = steeringUnavailable(ctx, why);
    if (unavailable) return unavailable;
    const poorIds = new Set(poor.map((c) => c.clientId));
    const candidates = (ctx.clients ?? [])
      .filter((c) => poorIds.has(c.clientId))
      .sort((a, b) => a.qoe - b.qoe);
    const steps = steeringSteps(ctx, candidates, {
      minCandidateRssiDbm,
      maxTargetClients: Infinity,
      maxClients: maxClientsPerAction,
    });
    if (steps.length === 0) {
      return { kind: 'no_action', explanation: `${why}: no poor client has a better neighbour to move to` };
    }
    const count = steps.reduce((n, s) => n + (s.kind === 'steer' ? s.clientIds.length : 0), 0);
    return {
      kind: 'change',
      actionType: 'CLIENT_STEERING',
      steps,
      explanation: `${why}: steering ${count} poor client(s) to their best neighbour`,
    };
  },
});
