// Spectrum saturation: more spatial reuse, i.e. a higher OBSS-PD threshold.
import { obssPdRaise } from './obss-pd';
import type { Planner } from './types';

export const spectrumTuning: Planner = {
  needs: {},
  plan(ctx) {
    const utilization = ctx.event.data.utilizationPct;
    const why = `spectrum saturated${typeof utilization === 'number' ? ` (${utilization} % airtime)` : ''}`;
    return obssPdRaise(ctx, why);
  },
};
