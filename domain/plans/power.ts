// PoE budget exceeded: lower TX power, loudest radio first, until the estimated draw fits the budget.
import type { ControllerStep } from '../controller-steps';
import { RADIOS, type Radio } from '../regulatory';
import { configOf } from '../radio';
import { plannerFor } from './types';

export const powerReduction = plannerFor('POWER_BUDGET_EXCEEDED', {
  needs: {},
  plan(ctx) {
    // The controller's figures, else the ones the event reports (a controller without PoE data).
    const { budgetWatts, drawWatts } = ctx.ap.power ?? ctx.event.data;
    const { wattsPerTxDb, minTxPowerDbm } = ctx.policy.power;
    if (budgetWatts === undefined || drawWatts === undefined) {
      return {
        kind: 'no_action',
        explanation: 'neither the controller nor the event reports both the PoE budget and the draw',
      };
    }
    if (drawWatts <= budgetWatts) {
      return {
        kind: 'no_action',
        explanation: `draw ${drawWatts} W already within the ${budgetWatts} W budget`,
      };
    }
    const tx = new Map<Radio, number>();
    for (const radio of RADIOS) {
      const state = ctx.ap.radios[radio];
      if (state) tx.set(radio, state.txPowerDbm);
    }
    // The epsilon keeps an exact fit (0.3 W / 0.1 W per dB = 3.0000000000000004) from rounding up.
    let needDb = Math.ceil((drawWatts - budgetWatts) / wattsPerTxDb - 1e-9);
    // One dB at a time from the loudest radio keeps the radios balanced.
    while (needDb > 0) {
      const loudest = [...tx.entries()].filter(([, p]) => p > minTxPowerDbm).sort((a, b) => b[1] - a[1])[0];
      if (!loudest) break;
      tx.set(loudest[0], loudest[1] - 1);
      needDb--;
    }
    const steps: ControllerStep[] = [...tx.entries()].flatMap(([radio, txPowerDbm]): ControllerStep[] => {
      const from = configOf(ctx.ap.radios[radio]!);
      return txPowerDbm < from.txPowerDbm
        ? [{ kind: 'radio', apId: ctx.ap.apId, radio, from, target: { txPowerDbm } }]
        : [];
    });
    if (steps.length === 0) {
      return {
        kind: 'impossible',
        explanation: `draw ${drawWatts} W over budget ${budgetWatts} W, TX power already at its floor`,
      };
    }
    const fits = needDb === 0 ? 'fits' : `still ${needDb} dB short at the ${minTxPowerDbm} dBm floor`;
    return {
      kind: 'change',
      actionType: 'TX_POWER_REDUCTION',
      steps,
      explanation: `PoE draw ${drawWatts} W over budget ${budgetWatts} W: lowering TX power (${fits})`,
    };
  },
});
