// Raising the OBSS-PD threshold (spatial reuse) by the policy's step, TX power capped by the 1:1 rule.
import { maxTxPowerForObssPd } from '../regulatory';
import { ownRadioStep, type ActionPlan, type PlanningContext } from './types';

export function obssPdRaise(ctx: PlanningContext, why: string): ActionPlan {
  const { config } = ctx.radio;
  const { obssPdStepDb, obssPdCapDbm } = ctx.policy.interference;
  const obssPdDbm = Math.min(config.obssPdDbm + obssPdStepDb, obssPdCapDbm);
  if (obssPdDbm <= config.obssPdDbm) {
    return { kind: 'no_action', explanation: `${why}; OBSS-PD already at its cap ${config.obssPdDbm} dBm` };
  }
  const cap = maxTxPowerForObssPd(obssPdDbm);
  const txPowerDbm = Math.min(config.txPowerDbm, cap);
  return {
    kind: 'change',
    actionType: 'OBSS_PD_TUNE',
    steps: [ownRadioStep(ctx, { obssPdDbm, txPowerDbm })],
    explanation: `${why}; raising OBSS-PD ${config.obssPdDbm} → ${obssPdDbm} dBm (TX power cap ${cap} dBm by the 1:1 rule)`,
  };
}
