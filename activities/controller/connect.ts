// The controller adapter the settings name (RRM_CONTROLLER, config/controller.ts).
import type { ControllerSettings } from '../../config/controller';
import { createOpenWifiController } from './openwifi';
import type { ControllerPort } from './port';
import { createSimulatorController } from './simulator';

export function connectController(settings: ControllerSettings): ControllerPort {
  return settings.kind === 'simulator'
    ? createSimulatorController(settings.url)
    : createOpenWifiController(settings);
}
