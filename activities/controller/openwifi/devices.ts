// What the OpenWiFi gateway says about its devices, each answer checked: the device record (its
// configuration and UUID), whether it is connected, its state reports, the device list. And the
// gateway's refusals in the loop's terms.
import { ControllerError } from '../port';
import { GatewayRefusal, type GatewayClient } from './client';
import {
  checked,
  ConfigurationSchema,
  DeviceSchema,
  DevicesWithStatusSchema,
  StateSchema,
  StatisticsSchema,
  StatusSchema,
  type Configuration,
  type Device,
  type State,
} from './schemas';

/** Per call: reads answer from the gateway's store; lists cover every device. */
export const READ_TIMEOUT_MS = 2_000;
export const LISTING_TIMEOUT_MS = 5_000;
/** owgw's "Device is not currently connected." */
export const DEVICE_NOT_CONNECTED = 1033;

export const enc = encodeURIComponent;

export class Devices {
  constructor(readonly gateway: GatewayClient) {}

  async record(apId: string): Promise<Device> {
    const body = await this.gateway.get(`/device/${enc(apId)}`, READ_TIMEOUT_MS);
    return checked(DeviceSchema, body, `GET /device/${apId}`);
  }

  async connected(apId: string): Promise<boolean> {
    const body = await this.gateway.get(`/device/${enc(apId)}/status`, READ_TIMEOUT_MS);
    return checked(StatusSchema, body, `GET /device/${apId}/status`).connected;
  }

  /** The state the device reported last (the gateway refuses it for a device not connected). */
  async lastState(apId: string): Promise<State> {
    const body = await this.gateway.get(`/device/${enc(apId)}/statistics?lastOnly=true`, READ_TIMEOUT_MS);
    return checked(StateSchema, body, `GET /device/${apId}/statistics`);
  }

  /** The last state, or none when the device dropped off the gateway meanwhile. */
  async lastStateIfConnected(apId: string): Promise<State | undefined> {
    return this.lastState(apId).catch((err: unknown) => {
      if (err instanceof GatewayRefusal && err.code === DEVICE_NOT_CONNECTED) return undefined;
      throw err;
    });
  }

  /** The newest `count` state reports on record, newest first. */
  async stateReports(apId: string, count: number): Promise<State[]> {
    const body = await this.gateway.get(
      `/device/${enc(apId)}/statistics?newest=true&limit=${count}`,
      READ_TIMEOUT_MS,
    );
    return checked(StatisticsSchema, body, `GET /device/${apId}/statistics`).data.map((r) => r.data);
  }

  /** Every device with its status, or only those named (`select`). */
  async list(select?: string[]) {
    const only = select ? `&select=${select.map(enc).join(',')}` : '';
    const body = await this.gateway.get(`/devices?deviceWithStatus=true${only}`, LISTING_TIMEOUT_MS);
    return checked(DevicesWithStatusSchema, body, 'GET /devices').devicesWithStatus;
  }
}

/** What the gateway will have the device run: its pending configuration, else its current one. */
export function intendedConfiguration(d: Device): Configuration {
  if (!d.pendingUUID || !d.pendingConfiguration) return d.configuration;
  let parsed: unknown;
  try {
    parsed = JSON.parse(d.pendingConfiguration);
  } catch {
    throw new ControllerError(
      'ControllerProtocol',
      `OpenWiFi gateway: device ${d.serialNumber}: pendingConfiguration is not JSON`,
      {
        field: 'pendingConfiguration',
      },
    );
  }
  return checked(ConfigurationSchema, parsed, 'pendingConfiguration');
}

/** The gateway's refusals in the loop's terms, for calls about `apId`. */
export function translated(err: unknown, apId?: string): unknown {
  if (!(err instanceof GatewayRefusal)) return err;
  if (err.status === 404 && apId) {
    return new ControllerError('UnknownAp', `the OpenWiFi gateway does not know device ${apId}`, { apId });
  }
  // An offline device comes back: the activity's retries wait for it.
  if (err.code === DEVICE_NOT_CONNECTED) return new Error(err.message);
  return new ControllerError('ControllerRefused', err.message, { status: err.status, code: err.code });
}
