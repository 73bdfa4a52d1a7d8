// Radio propagation and spectrum overlap: a log-distance path loss model and how much two sets
// of 20 MHz channels share. Pure functions, no world state.
import type { Radio } from '../domain/regulatory';

/** Free-space loss at the 1 m reference distance per band (dB). */
const REFERENCE_LOSS_DB: Record<Radio, number> = { '2g': 40.0, '5g': 46.4, '6g': 47.9 };
/** Indoor office with walls: loss grows faster than in free space (exponent 2). */
export const PATH_LOSS_EXPONENT = 3.5;
/** Preamble detection sensitivity: below this an AP does not hear the other one at all. */
export const NEIGHBOR_RANGE_DBM = -82;

export const distance = (a: { x: number; y: number }, b: { x: number; y: number }): number =>
  Math.hypot(a.x - b.x, a.y - b.y);

export function pathLossDb(radio: Radio, metres: number): number {
  return REFERENCE_LOSS_DB[radio] + 10 * PATH_LOSS_EXPONENT * Math.log10(Math.max(1, metres));
}

export function receivedPowerDbm(radio: Radio, txPowerDbm: number, metres: number): number {
  return txPowerDbm - pathLossDb(radio, metres);
}

const logistic = (x: number): number => 1 / (1 + Math.exp(-x));

/** How much a co-channel neighbour's airtime weighs, by its received power (strong ≈ 1). */
export const neighborWeight = (rxDbm: number): number => logistic((rxDbm + 75) / 4);

/** How much a non-Wi-Fi emitter corrupts and blocks, by its received power (strong ≈ 1). */
export const interfererImpact = (rxDbm: number): number => logistic((rxDbm + 80) / 4);

/** How much of an emitter's duty cycle a spectrum scan sees, by its received power. */
export const scanDetectability = (rxDbm: number): number => Math.min(1, Math.max(0, (rxDbm + 90) / 10));

/**
 * Share of a radio's operating channel that a set of emitting 20 MHz channels hits (0-1). On the
 * primary channel everything stops; on secondaries only the bandwidth they cover is lost. At
 * 2.4 GHz channels are 5 MHz apart and 20 MHz wide, so adjacent channels partly overlap.
 */
export function overlapFraction(
  radio: Radio,
  primary: number,
  subchannels: number[],
  emitting: number[],
): number {
  if (subchannels.length === 0 || emitting.length === 0) return 0;
  if (radio === '2g') {
    return Math.max(...emitting.map((c) => Math.max(0, 1 - Math.abs(c - primary) / 5)));
  }
  if (emitting.includes(primary)) return 1;
  return subchannels.filter((c) => emitting.includes(c)).length / subchannels.length;
}
