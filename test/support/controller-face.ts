// The face of the simulator the loop drives in this test run: its native API, or its OpenWiFi
// gateway face through the OpenWiFi adapter (RRM_TEST_CONTROLLER=openwifi, set by jest's `openwifi`
// project for the contract suite, jest.config.js). Tests inject faults and read the world through
// the native API either way: what they count is counted outside the adapter under test.
import type { ControllerPort } from '../../activities/controller';
import { connectController } from '../../activities/controller/connect';
import type { ControllerSettings } from '../../config/controller';
import type { RunningSimulator } from '../../simulator/server';

export type ControllerFace = 'simulator' | 'openwifi';

type FacedSimulator = Pick<RunningSimulator, 'url' | 'openWifi'>;

/** A controller at an address where nothing answers, spoken to through the face of this run. */
export function unreachableController(): ControllerPort {
  return connectController(
    controllerFace() === 'simulator'
      ? { kind: 'simulator', url: 'http://127.0.0.1:1' }
      : { kind: 'openwifi', gatewayUrl: 'http://127.0.0.1:1/api/v1', apiKey: 'unused', maxConcurrent: 1 },
  );
}

export const controllerFace = (): ControllerFace =>
  process.env.RRM_TEST_CONTROLLER === 'openwifi' ? 'openwifi' : 'simulator';

/** The settings that point the loop at `sim` through the face of this run. */
export function controllerSettingsFor(sim: FacedSimulator): ControllerSettings {
  if (controllerFace() === 'simulator') return { kind: 'simulator', url: sim.url };
  return {
    kind: 'openwifi',
    gatewayUrl: sim.openWifi.gatewayUrl,
    apiKey: sim.openWifi.apiKey,
    maxConcurrent: 16,
  };
}

export const controllerFor = (sim: FacedSimulator): ControllerPort =>
  connectController(controllerSettingsFor(sim));

/** The same settings as a worker process's environment. */
export function controllerEnvFor(sim: FacedSimulator): Record<string, string> {
  const settings = controllerSettingsFor(sim);
  if (settings.kind === 'simulator') return { RRM_CONTROLLER_URL: settings.url };
  return {
    RRM_CONTROLLER: 'openwifi',
    RRM_OPENWIFI_GATEWAY_URL: settings.gatewayUrl,
    RRM_OPENWIFI_API_KEY: settings.apiKey!,
  };
}
