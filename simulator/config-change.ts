// The controller's rules for a radio configuration change: regulatory permission, radar, the
// OBSS-PD range and the 1:1 TX power cap. Returns the new configuration or the refusal.
import {
  OBSS_PD_MAX_DBM,
  OBSS_PD_MIN_DBM,
  bondedSubchannels,
  isPermitted,
  maxTxPowerForObssPd,
  type RegulatoryDomain,
} from '../domain/regulatory';
import { unprocessable, type SimulatorError } from './errors';
import type { ConfigChanges, RadioConfig } from './types';

export const TX_POWER_MIN_DBM = 0;
export const TX_POWER_MAX_DBM = 30;

export type ChangePlan = { ok: true; next: RadioConfig } | { ok: false; error: SimulatorError };

export function planRadioChange(
  current: RadioConfig,
  changes: ConfigChanges,
  domain: RegulatoryDomain,
  radarChannels: ReadonlySet<number>,
): ChangePlan {
  const next: RadioConfig = { ...current, ...changes };
  const refuse = (error: SimulatorError): ChangePlan => ({ ok: false, error });

  if (changes.channel !== undefined || changes.width !== undefined) {
    const field = changes.channel !== undefined ? 'changes.channel' : 'changes.width';
    if (!isPermitted(next.band, next.channel, next.width, domain)) {
      return refuse(
        unprocessable(
          'invalid_channel',
          field,
          `channel ${next.channel} at ${next.width} MHz is not permitted for ${next.band} in ${domain}`,
        ),
      );
    }
    const radar = bondedSubchannels(next.band, next.channel, next.width, domain).filter((c) =>
      radarChannels.has(c),
    );
    if (radar.length > 0) {
      return refuse(
        unprocessable(
          'channel_unavailable',
          field,
          `radar present on channel ${radar.join(', ')} of ${next.channel}/${next.width}`,
          { radarChannels: radar },
        ),
      );
    }
  }

  if (next.obssPdDbm < OBSS_PD_MIN_DBM || next.obssPdDbm > OBSS_PD_MAX_DBM) {
    return refuse(
      unprocessable(
        'invalid_obss_pd',
        'changes.obssPdDbm',
        `${next.obssPdDbm} dBm is outside ${OBSS_PD_MIN_DBM}…${OBSS_PD_MAX_DBM} dBm`,
      ),
    );
  }
  if (next.txPowerDbm < TX_POWER_MIN_DBM || next.txPowerDbm > TX_POWER_MAX_DBM) {
    return refuse(
      unprocessable(
        'invalid_tx_power',
        'changes.txPowerDbm',
        `${next.txPowerDbm} dBm is outside ${TX_POWER_MIN_DBM}…${TX_POWER_MAX_DBM} dBm`,
      ),
    );
  }
  // The 1:1 spatial-reuse rule of domain/regulatory.ts (21 dBm reference at −82 dBm).
  const cap = maxTxPowerForObssPd(next.obssPdDbm);
  if (next.txPowerDbm > cap) {
    // Name the field the caller changed: raising OBSS-PD alone can push the current TX power over.
    return changes.txPowerDbm !== undefined
      ? refuse(
          unprocessable(
            'invalid_tx_power',
            'changes.txPowerDbm',
            `${next.txPowerDbm} dBm exceeds the 1:1 cap of ${cap} dBm at OBSS-PD ${next.obssPdDbm} dBm`,
            { maxTxPowerDbm: cap },
          ),
        )
      : refuse(
          unprocessable(
            'invalid_obss_pd',
            'changes.obssPdDbm',
            `${next.obssPdDbm} dBm caps TX power at ${cap} dBm, below the current ${next.txPowerDbm} dBm; lower txPowerDbm in the same change`,
            { maxTxPowerDbm: cap },
          ),
        );
  }
  return { ok: true, next };
}
