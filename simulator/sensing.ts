// What the sensing system reports beyond the spectrum (radar, interference come from
// observations.ts): saturation, poor QoE, density spikes, hardware failures, PoE shortfalls and
// load imbalance, each from the model's noise-free figures so a report does not flicker.
import { RADIOS, type Radio } from '../domain/regulatory';
import type { AssociationLog } from './association-rates';
import { neighborsOf, spectrumDetections } from './observations';
import { powerState } from './power';
import { noNoise } from './random';
import { associatedClients, inService, radioFigures, type RfEnvironment } from './rf-model';
import type { Ap, Detection } from './types';

/** Seed rules of the sensing integration (the loop's policy decides what to do about them). */
export const SATURATION_UTILIZATION_PCT = 80;
export const POOR_AVG_QOE = 0.5;
/** An AP is overloaded with at least this many times its neighbours' mean client count… */
export const IMBALANCE_RATIO = 2;
/** …and at least this many clients more. */
export const IMBALANCE_MIN_EXCESS = 10;

export interface SensingInputs {
  env: RfEnvironment;
  log: AssociationLog;
  /** `apId/radio` of the radios a client surge is going on at. */
  activeSurges: ReadonlySet<string>;
}

const round1 = (v: number): number => Math.round(v * 10) / 10;
const round2 = (v: number): number => Math.round(v * 100) / 100;

export function detections(inputs: SensingInputs): Detection[] {
  return [...spectrumDetections(inputs.env), ...inputs.env.aps.flatMap((ap) => apConditions(inputs, ap))];
}

function apConditions({ env, log, activeSurges }: SensingInputs, ap: Ap): Detection[] {
  const out: Detection[] = [];
  if (ap.status === 'DOWN' && ap.failure) out.push({ kind: 'hw_failure', apId: ap.apId, ...ap.failure });
  const power = powerState(ap);
  if (ap.status === 'UP' && power.drawWatts > power.budgetWatts) {
    out.push({ kind: 'power_budget', apId: ap.apId, ...power });
  }
  if (!inService(ap)) return out;

  for (const radio of RADIOS) {
    const config = ap.radios[radio];
    if (!config) continue;
    const figures = radioFigures(env, ap, radio, noNoise);
    if (figures.utilizationPct >= SATURATION_UTILIZATION_PCT) {
      out.push({
        kind: 'spectrum_saturation',
        apId: ap.apId,
        radio,
        channel: config.channel,
        utilizationPct: figures.utilizationPct,
        // 0.8 at the threshold, certain when the air is full.
        confidence: round2(Math.min(1, 0.8 + (figures.utilizationPct - SATURATION_UTILIZATION_PCT) / 100)),
      });
    }
    const clients = figures.clients
      .filter((c) => c.associated)
      .map(({ clientId, qoe }) => ({ clientId, qoe }));
    if (figures.avgQoe < POOR_AVG_QOE && clients.length > 0) {
      out.push({
        kind: 'qoe',
        apId: ap.apId,
        radio,
        avgQoe: figures.avgQoe,
        clients,
        // An average over few clients says less: certain from ten clients on.
        confidence: round2(Math.min(1, 0.6 + 0.04 * clients.length)),
      });
    }
    if (activeSurges.has(`${ap.apId}/${radio}`)) {
      out.push({
        kind: 'density_spike',
        apId: ap.apId,
        radio,
        associatedClients: figures.clientCount,
        associationsPerMin: log.rates(ap.apId, radio).associationsPerMin,
        // The controller counts associations itself.
        confidence: 1,
      });
    }
    const imbalance = loadImbalance(env, ap, radio, figures.clientCount);
    if (imbalance) out.push(imbalance);
  }
  return out;
}

function loadImbalance(env: RfEnvironment, ap: Ap, radio: Radio, clientCount: number): Detection | null {
  const neighbours = neighborsOf(env, ap)
    .map((id) => env.aps.find((a) => a.apId === id)!)
    .filter((n) => inService(n) && n.radios[radio] !== undefined);
  if (neighbours.length === 0) return null;
  const mean =
    neighbours.reduce((s, n) => s + associatedClients(env, n, radio).length, 0) / neighbours.length;
  if (clientCount < IMBALANCE_RATIO * mean || clientCount - mean < IMBALANCE_MIN_EXCESS) return null;
  const ratio = mean === 0 ? Infinity : clientCount / mean;
  return {
    kind: 'load_imbalance',
    apId: ap.apId,
    radio,
    clientCount,
    neighborMeanClients: round1(mean),
    // 0.6 at twice the neighbours' load, certain from four times on.
    confidence: round2(Math.min(1, 0.6 + 0.2 * (ratio - IMBALANCE_RATIO))),
  };
}
