// Which face of the built-in simulator the main job drives (RRM_CONTROLLER): its native API, or
// its OpenWiFi gateway face through the OpenWiFi adapter, signed in with OAuth2 as a deployment
// would be. The face's password goes to a private file the `rrm` CLI is pointed at, never to stdout.
import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ControllerPort } from '../activities/controller';
import { createSimulatorController } from '../activities/controller/simulator';
import { OPENWIFI_DETECTION_KINDS } from '../activities/controller/openwifi/sensing';
import type { ControllerSettings } from '../config/controller';
import type { RunningSimulator } from '../simulator/server';

export interface MainController {
  settings: ControllerSettings;
  /** For the running-stack file: how a second terminal reaches the same controller. */
  shared: Record<string, string>;
  /** One line for the banner. */
  describe: string;
  /** What the sensing bridge reads, given the port the loop drives. */
  sensing(port: ControllerPort): Pick<ControllerPort, 'readDetections'>;
}

export function mainController(sim: RunningSimulator, env: NodeJS.ProcessEnv): MainController {
  const kind = env.RRM_CONTROLLER ?? 'simulator';
  if (kind === 'simulator') {
    return {
      settings: { kind: 'simulator', url: sim.url },
      shared: { RRM_CONTROLLER: 'simulator', RRM_CONTROLLER_URL: sim.url },
      describe: `${sim.url}/v1/aps`,
      sensing: (port) => port,
    };
  }
  if (kind !== 'openwifi') throw new Error(`RRM_CONTROLLER: expected simulator or openwifi, got "${kind}"`);
  const { gatewayUrl, securityUrl, userId, password } = sim.openWifi;
  const dir = env.RRM_STATE_DIR?.trim() || join(__dirname, '..', '.local');
  mkdirSync(dir, { recursive: true });
  const passwordFile = join(dir, 'openwifi-face.password');
  writeFileSync(passwordFile, password, { mode: 0o600 });
  chmodSync(passwordFile, 0o600);
  return {
    settings: { kind: 'openwifi', gatewayUrl, securityUrl, user: userId, password, maxConcurrent: 8 },
    shared: {
      RRM_CONTROLLER: 'openwifi',
      RRM_OPENWIFI_GATEWAY_URL: gatewayUrl,
      RRM_OPENWIFI_SECURITY_URL: securityUrl,
      RRM_OPENWIFI_USER: userId,
      RRM_OPENWIFI_PASSWORD_FILE: passwordFile,
    },
    describe: `OpenWiFi face ${gatewayUrl} (user ${userId}, OAuth2) · native ${sim.url}/v1/aps`,
    // The rest of the story (interference, saturation, QoE, density, load, PoE) comes from the
    // simulator's spectrum analyser, as a sensing source beside the controller would in a deployment.
    sensing: (port) => {
      const analyser = createSimulatorController(sim.url);
      return {
        async readDetections() {
          const [seen, analysed] = await Promise.all([port.readDetections(), analyser.readDetections()]);
          return [...seen, ...analysed.filter((d) => !OPENWIFI_DETECTION_KINDS.has(d.kind))];
        },
      };
    },
  };
}
