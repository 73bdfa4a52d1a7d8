// Turns what the sensing system sees (the simulator's /v1/sensing) into events of the contract.
// The full sensing bridge with de-duplication is a later issue; this is its mapping rule.
import type { Radio } from '../domain/regulatory';

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
    };

export function eventForDetection(d: Detection, detectedAt: Date): Record<string, unknown> {
  const common = { apId: d.apId, radio: d.radio, detectedAt: detectedAt.toISOString(), source: 'SENSING_API' };
  if (d.kind === 'radar') return { ...common, type: 'DFS_RADAR', data: { channel: d.channel } };
  return {
    ...common,
    type: 'NON_WIFI_BURST',
    confidence: Math.round(d.confidence * 100) / 100,
    data: {
      channel: d.channel,
      dutyCyclePct: Math.round(d.dutyCyclePct),
      rssiDbm: Math.round(d.rssiDbm),
      interfererType: d.interfererType,
    },
  };
}

export async function readDetections(controllerUrl: string): Promise<Detection[]> {
  const res = await fetch(`${controllerUrl}/v1/sensing`);
  if (!res.ok) throw new Error(`sensing read failed: ${res.status}`);
  return ((await res.json()) as { detections: Detection[] }).detections;
}
