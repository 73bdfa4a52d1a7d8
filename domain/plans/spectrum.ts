// Spectrum saturation: more spatial reuse, i.e. a higher OBSS-PD threshold.
import { obssPdRaise } from './obss-pd';
import { plannerFor } from './types';

export const spectrumTuning = plannerFor('SPECTRUM_SAT', {
  needs: {},
  plan(ctx) {
    const utilization = ctx.event.data.utilizationPct;
    const why = `spectrum saturated${utilization === undefined ? '' : ` (${utilization} % airtime)`}`;
    return obssPdRaise(ctx, why);
  },
});
