// The sensing view OpenWiFi's REST API can give: a device not connected to the gateway is a failure,
// and radar is what hostapd logs (`DFS-RADAR-DETECTED freq=…`) in the device's log. The other kinds
// (interference, saturation, QoE, density, load, PoE) travel on OpenWiFi's Kafka topics, not here.
import type { Detection, DetectionKind } from '../../../domain/detections';
import { channelOfFrequency } from '../../../domain/regulatory';
import { Devices, enc, LISTING_TIMEOUT_MS } from './devices';
import { checked, DeviceLogsSchema } from './schemas';

/** What this view can report; everything else needs another sensing source. */
export const OPENWIFI_DETECTION_KINDS: ReadonlySet<DetectionKind> = new Set(['radar', 'hw_failure']);

/** Radar the device logged this recently is radar now (hostapd logs each detection). */
const RADAR_RECENT_S = 30;
const RADAR_LINE = /^DFS-RADAR-DETECTED\b.*\bfreq=(\d+)/;

export async function readDetections(devices: Devices): Promise<Detection[]> {
  const since = Math.floor(Date.now() / 1000) - RADAR_RECENT_S;
  const perDevice = await Promise.all(
    (await devices.list()).map(async (d): Promise<Detection[]> => {
      const apId = d.serialNumber;
      if (!d.connected) {
        const detail = 'the device is not connected to the gateway';
        return [{ kind: 'hw_failure', apId, component: 'gateway-connection', detail }];
      }
      const path = `/device/${enc(apId)}/logs?newest=true&limit=50&startDate=${since}`;
      const logs = checked(
        DeviceLogsSchema,
        await devices.gateway.get(path, LISTING_TIMEOUT_MS),
        `GET /device/${apId}/logs`,
      );
      const channels = new Set<number>();
      for (const { log, recorded } of logs.values) {
        const freq = recorded >= since ? RADAR_LINE.exec(log)?.[1] : undefined;
        const at = freq === undefined ? undefined : channelOfFrequency(Number(freq));
        if (at?.radio === '5g') channels.add(at.channel);
      }
      return [...channels].map((channel) => ({ kind: 'radar', apId, radio: '5g', channel }));
    }),
  );
  return perDevice.flat();
}
