// The floor at a glance (`rrm floor`, `GET /v1/floor`): every AP and radio as the controller port
// reports it (channel, width, power, clients) beside what the loop is doing with it: who holds or
// watches its turn, who waits in its queue, which channels radar has closed for it.
import { RADIOS, type Radio } from '../../domain/regulatory';
import { type TurnParty } from '../../domain/radio-turns';
import { closedChannelsFor } from '../../domain/dfs';
import { limiter } from './limiter';
import type { RrmClient } from './rrm-client';
import type { ControllerPort, FloorApReading } from '../../activities/controller';

export interface FloorRadio {
  radio: Radio;
  channel: number;
  width: number;
  txPowerDbm: number;
  clientCount: number;
  /** The event holding the radio's turn (planning or applying), if any. */
  holder: TurnParty | null;
  /** The event watching its change on the radio, until its monitor window ends (epoch ms). */
  watch: (TurnParty & { until: number }) | null;
  /** Events waiting for the radio, first to act first. */
  queue: string[];
  cooldownUntil: number;
  /** 20 MHz channels in their Non-Occupancy Period for this radio. */
  closedChannels: number[];
}

export interface FloorAp {
  apId: string;
  /** As the controller says: UP, DOWN, … */
  status: string;
  /** Whether the AP's coordinator workflow runs (an idle AP has none). */
  coordinator: 'running' | 'idle';
  radios: FloorRadio[];
}

export interface FloorView {
  collectedAt: string;
  controllerUrl: string;
  aps: FloorAp[];
}

async function floorAp(rrm: RrmClient, ap: FloorApReading): Promise<FloorAp> {
  const turns = await rrm.apState(ap.apId);
  const radios = RADIOS.filter((r) => ap.radios[r]).map((radio): FloorRadio => {
    const { holder, watch, queue, cooldownUntil } = turns.radios[radio];
    return {
      radio,
      ...ap.radios[radio]!,
      holder: holder && { eventId: holder.eventId, type: holder.type, severity: holder.severity },
      watch: watch && {
        eventId: watch.eventId,
        type: watch.type,
        severity: watch.severity,
        until: watch.until,
      },
      queue,
      cooldownUntil,
      closedChannels: closedChannelsFor(turns.closedChannels, radio),
    };
  });
  return { apId: ap.apId, status: ap.status, coordinator: turns.running ? 'running' : 'idle', radios };
}

/** Coordinators asked at once: a floor of hundreds of APs is read in a few round trips each. */
const CONCURRENT_AP_READS = 16;

/** The controller's APs beside what the loop is doing with each. */
export async function collectFloor(
  rrm: RrmClient,
  controller: ControllerPort,
  controllerUrl: string,
): Promise<FloorView> {
  const aps = await controller.listAps();
  const limit = limiter(CONCURRENT_AP_READS);
  const floor = await Promise.all(aps.map((ap) => limit(() => floorAp(rrm, ap))));
  return { collectedAt: new Date().toISOString(), controllerUrl, aps: floor };
}
