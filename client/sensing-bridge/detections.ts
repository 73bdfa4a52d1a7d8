// Turns what the sensing system sees (the controller port's sensing view) into events of the contract
// (docs/event-contract.md): one event type per detection kind. The event carries the detection's confidence;
// severity and the action are the policy's business, so a weak report is still raised and the loop
// decides (e.g. interference below 0.5 ends REJECTED, 0.5-0.8 gets OBSS-PD).
import type { Detection } from '../../domain/detections';

export type { Detection, DetectionKind } from '../../domain/detections';

/** How sure the sensing system is; kinds measured directly by the controller are certain. */
export const confidenceOf = (d: Detection): number => ('confidence' in d ? d.confidence : 1);

const round = (v: number, digits: number): number => Number(v.toFixed(digits));

/** The event of the contract for one detection (without eventId: the caller decides it). */
export function eventForDetection(d: Detection, detectedAt: Date): Record<string, unknown> {
  // AP-level kinds (failure, power) have no radio: the event takes the contract's default.
  const common = {
    apId: d.apId,
    ...('radio' in d ? { radio: d.radio } : {}),
    ...('confidence' in d ? { confidence: round(d.confidence, 2) } : {}),
    detectedAt: detectedAt.toISOString(),
    source: 'SENSING_API',
  };
  switch (d.kind) {
    case 'radar':
      return { ...common, type: 'DFS_RADAR', data: { channel: d.channel } };
    case 'interference':
      return {
        ...common,
        type: 'NON_WIFI_BURST',
        data: {
          channel: d.channel,
          dutyCyclePct: Math.round(d.dutyCyclePct),
          rssiDbm: Math.round(d.rssiDbm),
          interfererType: d.interfererType,
        },
      };
    case 'spectrum_saturation':
      return {
        ...common,
        type: 'SPECTRUM_SAT',
        data: { channel: d.channel, utilizationPct: round(d.utilizationPct, 1) },
      };
    case 'qoe':
      return {
        ...common,
        type: 'QOE_DEGRADATION',
        data: { clients: d.clients.map((c) => ({ clientId: c.clientId, qoe: round(c.qoe, 3) })) },
      };
    case 'density_spike':
      return {
        ...common,
        type: 'DENSITY_SPIKE',
        data: { associatedClients: d.associatedClients, associationsPerMin: d.associationsPerMin },
      };
    case 'hw_failure':
      return { ...common, type: 'HW_FAILURE', data: { component: d.component, detail: d.detail } };
    case 'power_budget':
      return {
        ...common,
        type: 'POWER_BUDGET_EXCEEDED',
        data: { budgetWatts: d.budgetWatts, drawWatts: d.drawWatts },
      };
    case 'load_imbalance':
      return { ...common, type: 'LOAD_IMBALANCE', data: { clientCount: d.clientCount } };
  }
}
