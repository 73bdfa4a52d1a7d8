// What a sensing source reports (the controller's `GET /v1/sensing`): the wire shape shared by the
// simulator that produces it and the sensing bridge that reads it. Data only.
import type { Radio } from './regulatory';

/** A detection as the controller's sensing API (`GET /v1/sensing`) reports it. */
export type Detection =
  | { kind: 'radar'; apId: string; radio: '5g'; channel: number }
  | {
      kind: 'interference';
      apId: string;
      radio: Radio;
      channel: number;
      confidence: number;
      dutyCyclePct: number;
      rssiDbm: number;
      interfererType: string;
      /** Tells two emitters of one type apart; optional for sensing sources that do not. */
      interfererId?: string;
    }
  | {
      kind: 'spectrum_saturation';
      apId: string;
      radio: Radio;
      channel: number;
      utilizationPct: number;
      confidence: number;
    }
  | {
      kind: 'qoe';
      apId: string;
      radio: Radio;
      avgQoe: number;
      clients: Array<{ clientId: string; qoe: number }>;
      confidence: number;
    }
  | {
      kind: 'density_spike';
      apId: string;
      radio: Radio;
      associatedClients: number;
      associationsPerMin: number;
      confidence: number;
    }
  | { kind: 'hw_failure'; apId: string; component: string; detail: string }
  | { kind: 'power_budget'; apId: string; budgetWatts: number; drawWatts: number }
  | {
      kind: 'load_imbalance';
      apId: string;
      radio: Radio;
      clientCount: number;
      neighborMeanClients: number;
      confidence: number;
    };

export type DetectionKind = Detection['kind'];
