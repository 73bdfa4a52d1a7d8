// PoE power of an AP: what it draws from its radios' TX power, and what happens when the switch
// grants less than that. Pure functions.
import { RADIOS } from '../domain/regulatory';
import type { Ap, PowerState } from './types';

/** 802.3at (PoE+) class 4 at the powered device: what a floor AP normally gets. */
export const DEFAULT_POWER_BUDGET_WATTS = 25.5;
/** Board, CPU and Ethernet, whatever the radios do. */
const BASE_DRAW_WATTS = 8;
/** Each radio's chain at low power. */
const RADIO_DRAW_WATTS = 1.5;
/** Power amplifiers: each dBm above 10 dBm costs this much more. */
const WATTS_PER_DBM_OVER_10 = 0.25;
/**
 * Over budget the AP throttles as real APs do on too little PoE (it drops spatial streams): its
 * radios deliver this share of their capacity until the draw fits again.
 */
export const OVER_BUDGET_CAPACITY = 0.5;

const round2 = (v: number): number => Math.round(v * 100) / 100;

/** Draw of the AP (W): base + per radio 1.5 W + 0.25 W per dBm of TX power over 10 dBm. */
export function drawWatts(ap: Ap): number {
  let watts = BASE_DRAW_WATTS;
  for (const radio of RADIOS) {
    const config = ap.radios[radio];
    if (config) watts += RADIO_DRAW_WATTS + WATTS_PER_DBM_OVER_10 * Math.max(0, config.txPowerDbm - 10);
  }
  return round2(watts);
}

export const powerState = (ap: Ap): PowerState => ({
  budgetWatts: ap.powerBudgetWatts,
  drawWatts: drawWatts(ap),
});

export const overBudget = (ap: Ap): boolean => drawWatts(ap) > ap.powerBudgetWatts;
