// Hardware failure: mark the AP down and let its neighbours cover, raising their TX power within limits.
import type { ControllerStep } from '../controller-steps';
import { maxTxPowerForObssPd, RADIOS } from '../regulatory';
import { configOf } from '../radio';
import { plannerFor } from './types';

export const failover = plannerFor('HW_FAILURE', {
  needs: { neighbours: true },
  plan(ctx) {
    const { txPowerRaiseDb, maxTxPowerDbm } = ctx.policy.failover;
    const steps: ControllerStep[] = [];
    if (ctx.ap.adminStatus === 'UP') steps.push({ kind: 'admin', apId: ctx.ap.apId, from: 'UP', to: 'DOWN' });
    const raised: string[] = [];
    for (const neighbour of ctx.neighbours ?? []) {
      if (neighbour.status !== 'UP' || neighbour.adminStatus !== 'UP') continue;
      for (const radio of RADIOS) {
        const state = neighbour.radios[radio];
        if (!state) continue;
        const limit = Math.min(maxTxPowerDbm, maxTxPowerForObssPd(state.obssPdDbm));
        const txPowerDbm = Math.min(state.txPowerDbm + txPowerRaiseDb, limit);
        if (txPowerDbm <= state.txPowerDbm) continue;
        steps.push({
          kind: 'radio',
          apId: neighbour.apId,
          radio,
          from: configOf(state),
          target: { txPowerDbm },
        });
        raised.push(`${neighbour.apId} ${radio} ${state.txPowerDbm}→${txPowerDbm} dBm`);
      }
    }
    if (steps.length === 0)
      return { kind: 'no_action', explanation: 'AP already failed over; neighbours at their limits' };
    return {
      kind: 'change',
      actionType: 'FAILOVER',
      steps,
      explanation: `${ctx.ap.apId} failed${ctx.event.data.component ? ` (${ctx.event.data.component})` : ''}: marked down; neighbours cover: ${raised.join(', ') || 'none could raise TX power'}`,
    };
  },
});
