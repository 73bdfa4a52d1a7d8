// Density spike: admission control caps new associations at today's count; lifting it is the rollback.
import { ownRadioStep, type Planner } from './types';

export const admissionControl: Planner = {
  needs: {},
  plan(ctx) {
    const state = ctx.ap.radios[ctx.radio.radio]!;
    const cap = state.clientCount + ctx.policy.density.capHeadroom;
    if (state.admissionCap !== null && state.admissionCap <= cap) {
      return { kind: 'no_action', explanation: `admission already capped at ${state.admissionCap} clients` };
    }
    return {
      kind: 'change',
      actionType: 'ADMISSION_CONTROL',
      steps: [ownRadioStep(ctx, { admissionCap: cap })],
      explanation: `client surge with ${state.clientCount} associated: capping admission at ${cap} until the spike ends`,
    };
  },
};
