// The controller port: everything the loop needs from a wireless controller, in the loop's words.
// Every adapter (the simulator's native API, OpenWiFi's gateway) implements it and passes the same
// contract suite (docs/controllers.md). Adapters throw `ControllerError` for answers the workflow
// decides on; any other error is "unreachable" and retried by the activity's policy.
import type { ChannelObservation } from '../../domain/channel-selection';
import type { ControllerStep } from '../../domain/controller-steps';
import type { Detection } from '../../domain/detections';
import type { ClientView } from '../../domain/plans';
import type { Radio, RegulatoryDomain } from '../../domain/regulatory';
import type { ApSnapshot, RadioConfig } from '../../domain/radio';
import type { RadioSample } from '../../domain/rollback-rules';

/** A metrics sample, with the association rate the density monitor needs. */
export interface MonitorSample extends RadioSample {
  associationsPerMin: number;
}

export interface StepRequest {
  step: ControllerStep;
  /** Idempotency key: the controller applies one change id once. */
  changeId: string;
  /** Compare-and-set guard: the version the step was planned against (the radio's, or the AP's for admin). */
  expectedVersion: number;
}

export interface StepResult {
  /** The AP's configuration version after the step (unchanged by steering). */
  version?: number;
  /** Clients a steer step actually moved. */
  steered?: string[];
  duplicate: boolean;
}

/** What one change id did to a radio, as the controller recorded it. */
export interface RecordedChange {
  radio: Radio;
  from: RadioConfig;
  to: RadioConfig;
}

/** One radio as the floor view shows it. */
export interface FloorRadioReading {
  channel: number;
  width: number;
  txPowerDbm: number;
  clientCount: number;
}

/** One AP as the floor view (`rrm floor`, `GET /v1/floor`) lists it. */
export interface FloorApReading {
  apId: string;
  /** As the controller says: UP, DOWN, … */
  status: string;
  radios: Partial<Record<Radio, FloorRadioReading>>;
  /** Where the AP is on the floor plan (metres), when the controller knows it. */
  position?: { x: number; y: number };
  /** The APs it hears or that hear it (its RF neighbours), when the controller knows them. */
  neighbors?: string[];
  regulatoryDomain?: RegulatoryDomain;
}

/** The loop's needs of a controller, one method each. */
export interface ControllerPort {
  /** Radios (channel, width, TX power, OBSS-PD, admission cap, clients), neighbours, status, version. */
  readAp(apId: string): Promise<ApSnapshot>;
  /** What the radio hears on each channel of its band. */
  scanChannels(apId: string, radio: Radio): Promise<ChannelObservation[]>;
  /** The radio's clients with their signal and the APs they could roam to. */
  readClients(apId: string, radio: Radio): Promise<ClientView[]>;
  /** The radio's KPIs now (the monitor's baseline and samples). */
  sampleRadio(apId: string, radio: Radio): Promise<MonitorSample>;
  /**
   * One step, once per change id, refused when the version it guards (the radio's for a radio step,
   * the AP's for its admin state) is no longer `expectedVersion`.
   */
  applyStep(request: StepRequest): Promise<StepResult>;
  /**
   * What `changeId` did to a radio of `apId`, if the controller applied it and still knows (a radar
   * reflex retried after a crash finds its own move); undefined otherwise.
   */
  changeOf(apId: string, changeId: string): Promise<RecordedChange | undefined>;
  /** Every AP with its radios, for the floor view. */
  listAps(): Promise<FloorApReading[]>;
  /** What the sensing side sees now, for the sensing bridge. */
  readDetections(): Promise<Detection[]>;
}

/** Answers the workflow tells apart (activity failure types, docs/controllers.md). */
export type ControllerFailureType =
  /** The controller does not know the AP. */
  | 'UnknownAp'
  /** The AP's configuration changed since it was read: plan again. */
  | 'VersionConflict'
  /** Radar (or a CAC) on the channel asked for: plan again around `details.radarChannels`. */
  | 'ChannelUnavailable'
  /** The controller or the device refused the change (in whole or in part). */
  | 'ControllerRefused'
  /** An answer that does not have the shape the controller's API specifies. */
  | 'ControllerProtocol';

/** The controller asks to be called again later (429, busy): retried after `retryAfterMs`. */
export class ControllerBusy extends Error {
  constructor(
    message: string,
    readonly retryAfterMs: number,
  ) {
    super(message);
    this.name = 'ControllerBusy';
  }
}

/** An answer of the controller that the workflow decides on: never retried as it stands. */
export class ControllerError extends Error {
  constructor(
    readonly type: ControllerFailureType,
    message: string,
    readonly details?: Record<string, unknown>,
  ) {
    super(message);
    this.name = type;
  }
}
