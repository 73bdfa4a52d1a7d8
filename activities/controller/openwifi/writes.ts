// Changes through the OpenWiFi gateway: a radio or admin step as a read-modify-write of the
// device's configuration (`POST /configure`), guarded by the configuration's UUID and marked with
// the change id; the device's answer (applied, applied with substitutions, refused, pending) mapped
// onto the loop's outcomes, never reported applied when it was not. Steering as BSS transitions.
import type { ControllerStep } from '../../../domain/controller-steps';
import { changedParams, type RadioConfig } from '../../../domain/radio';
import { bondedSubchannels } from '../../../domain/regulatory';
import { oneAtATime } from '../../one-at-a-time';
import { ControllerError, type StepRequest, type StepResult } from '../port';
import { Devices, enc, intendedConfiguration, READ_TIMEOUT_MS, translated } from './devices';
import {
  checked,
  CommandSchema,
  ConfigureResultsSchema,
  type Configuration,
  type Device,
  type State,
} from './schemas';
import type { Topology } from './topology';
import {
  adminStatusOf,
  associationsOf,
  KEY_OF_PARAM,
  marked,
  markOf,
  radioConfigOf,
  radioVersionOf,
  radiosOf,
  regulatoryDomainOf,
  withAdminStatus,
  withRadioSettings,
} from './ucentral';

/** A configure waits for the device's answer, within the write activity's 3 s. */
const CONFIGURE_TIMEOUT_MS = 2_500;

/** A configure's outcome as the device answered it. */
type Configured =
  | { kind: 'pending'; uuid?: number }
  | {
      kind: 'answered';
      error: number;
      uuid?: number;
      text?: string;
      rejected: { parameter: string; reason?: string }[];
    };

/** Applies one step; a retried step whose change is in place is reported a duplicate. */
export function createStepWriter(
  devices: Devices,
  topology: Topology,
): (request: StepRequest) => Promise<StepResult> {
  async function configure(apId: string, config: Configuration): Promise<Configured> {
    const body = { serialNumber: apId, UUID: config.uuid ?? 0, configuration: JSON.stringify(config) };
    const command = checked(
      CommandSchema,
      await devices.gateway.post(`/device/${enc(apId)}/configure`, body, CONFIGURE_TIMEOUT_MS),
      `POST /device/${apId}/configure`,
    );
    const results = command.results;
    if (command.status === 'pending') return { kind: 'pending', uuid: (results as { uuid?: number }).uuid };
    const answer = checked(ConfigureResultsSchema, results, `POST /device/${apId}/configure results`);
    const { error, text, rejected } = answer.status;
    return { kind: 'answered', error, uuid: answer.uuid, text, rejected };
  }

  /** The radio step as a read-modify-write of the device's configuration, guarded by its UUID. */
  async function applyRadio(
    step: Extract<ControllerStep, { kind: 'radio' }>,
    changeId: string,
    expectedVersion: number,
  ): Promise<StepResult> {
    const [d, online] = await Promise.all([devices.record(step.apId), devices.connected(step.apId)]);
    const entry = radiosOf(d.configuration)[step.radio];
    if (!entry)
      throw new ControllerError(
        'ControllerRefused',
        `device ${step.apId} has no ${step.radio} radio configured`,
      );
    const current = radioConfigOf(entry.radio);
    const changing = changedParams(current, step.target);
    // A retry after the change went through finds it in place (its own mark, or the settings it
    // sets): reported, not applied again.
    const version = radioVersionOf(entry.radio);
    if (changing.length === 0 || markOf(d.configuration) === changeId) return { version, duplicate: true };
    if (version !== expectedVersion) {
      throw new ControllerError(
        'VersionConflict',
        `device ${step.apId}: its ${step.radio} radio changed since the step was planned`,
        { expectedVersion, version },
      );
    }
    if (!online) {
      throw new ControllerError(
        'ControllerRefused',
        `device ${step.apId} is not connected to the gateway: not configured`,
      );
    }
    const configuration = withRadioSettings(d.configuration, entry.index, step.target);
    const answer = await configure(
      step.apId,
      marked(configuration, changeId, { radio: step.radio, from: current }),
    );
    if (answer.kind === 'pending') {
      throw new ControllerError(
        'ControllerRefused',
        `device ${step.apId} did not confirm the configuration (pending at the gateway)`,
      );
    }
    const keys = changing.map((p) => KEY_OF_PARAM[p]);
    const ours = answer.rejected.filter((r) => concerns(r.parameter, entry.index, keys));
    const why = ours.map((r) => `${r.parameter}${r.reason ? `: ${r.reason}` : ''}`).join('; ');
    if (answer.error === 0 || (answer.error === 1 && ours.length === 0)) {
      return { version: radioVersionOf(configuration.radios[entry.index]), duplicate: false };
    }
    if (answer.error === 1) {
      // Applied with our own fields substituted: put the radio back as it was, then say so.
      const restored = await restore(step.apId, entry.index, current, changing, `${changeId}:restore`);
      throw new ControllerError('ControllerRefused', `device ${step.apId} substituted ${why}; ${restored}`, {
        rejected: ours,
      });
    }
    if (
      ours.some((r) => /channel/.test(r.parameter) && /radar|dfs|non-occupancy|cac/i.test(r.reason ?? ''))
    ) {
      const { channel = current.channel, width = current.width } = step.target;
      const radarChannels = bondedSubchannels(
        step.radio,
        channel,
        width,
        regulatoryDomainOf(d.configuration),
      );
      throw new ControllerError('ChannelUnavailable', `device ${step.apId} refused the channel: ${why}`, {
        radarChannels,
      });
    }
    throw new ControllerError(
      'ControllerRefused',
      `device ${step.apId} refused the configuration${why ? `: ${why}` : answer.text ? `: ${answer.text}` : ''}`,
      { rejected: answer.rejected },
    );
  }

  async function restore(
    apId: string,
    index: number,
    was: RadioConfig,
    params: (keyof RadioConfig)[],
    changeId: string,
  ): Promise<string> {
    try {
      const now = await devices.record(apId);
      const back = Object.fromEntries(params.map((p) => [p, was[p]])) as Partial<RadioConfig>;
      const answer = await configure(
        apId,
        marked(withRadioSettings(now.configuration, index, back), changeId),
      );
      return answer.kind === 'answered' && answer.error === 0
        ? 'restored its previous settings'
        : 'restoring its previous settings was not confirmed';
    } catch (err) {
      return `restoring its previous settings failed: ${(err as Error).message}`;
    }
  }

  async function applyAdmin(
    step: Extract<ControllerStep, { kind: 'admin' }>,
    changeId: string,
    expectedVersion: number,
  ): Promise<StepResult> {
    const d = await devices.record(step.apId);
    const intended = intendedConfiguration(d);
    if (adminStatusOf(intended) === step.to || markOf(intended) === changeId) {
      return { version: d.UUID, duplicate: true };
    }
    checkVersion(d, expectedVersion);
    // A failed AP is offline: the gateway keeps the change pending and delivers it when the AP is back.
    const answer = await configure(step.apId, marked(withAdminStatus(d.configuration, step.to), changeId));
    if (answer.kind === 'answered' && answer.error !== 0) {
      throw new ControllerError(
        'ControllerRefused',
        `device ${step.apId} refused to set its radios ${step.to}: ${answer.text ?? ''}`,
        {
          rejected: answer.rejected,
        },
      );
    }
    return { version: answer.uuid ?? (await devices.record(step.apId)).UUID, duplicate: false };
  }

  async function steer(step: Extract<ControllerStep, { kind: 'steer' }>): Promise<StepResult> {
    const bssid = await topology.bssidOf(step.targetApId, step.radio);
    if (!bssid)
      throw new ControllerError('ControllerRefused', `no ${step.radio} BSSID known for ${step.targetApId}`);
    const associated = (s: State) => new Set(associationsOf(s, step.radio).map((a) => a.station));
    const before = associated(await devices.lastState(step.apId));
    const clients = step.clientIds.filter((c) => before.has(c));
    if (clients.length === 0) return { steered: [], duplicate: true };
    const actions = clients.map((addr) => ({ action: 'bss_transition', addr, neighbors: [bssid] }));
    await devices.gateway.post(`/device/${enc(step.apId)}/rrm`, { actions }, READ_TIMEOUT_MS);
    // The action is fire-and-forget: who left is read back from the device, not assumed.
    const after = associated(await devices.lastState(step.apId));
    return { steered: clients.filter((c) => !after.has(c)), duplicate: false };
  }

  // One device's configuration is read, modified and written one step at a time: a step never
  // overwrites another radio's change made between its read and its write (in this process).
  const perDevice = oneAtATime();

  return ({ step, changeId, expectedVersion }) =>
    (step.kind === 'radio'
      ? perDevice(step.apId, () => applyRadio(step, changeId, expectedVersion))
      : step.kind === 'admin'
        ? perDevice(step.apId, () => applyAdmin(step, changeId, expectedVersion))
        : steer(step)
    ).catch((err: unknown) => {
      throw translated(err, step.apId);
    });
}

/** The compare-and-set guard: the device's configuration UUID must be the one the step was planned on. */
function checkVersion(d: Device, expectedVersion: number): void {
  if (d.UUID === expectedVersion) return;
  throw new ControllerError(
    'VersionConflict',
    `device ${d.serialNumber}: configuration UUID ${d.UUID}, the change was planned on ${expectedVersion}`,
    { expectedVersion, version: d.UUID },
  );
}

/** Whether a device's rejection names one of `keys` of the radio at `index` (not another radio's). */
function concerns(parameter: string, index: number, keys: string[]): boolean {
  const radio = /radios\[(\d+)\]/.exec(parameter)?.[1];
  if (radio !== undefined && Number(radio) !== index) return false;
  return keys.some((k) => parameter.includes(k));
}
