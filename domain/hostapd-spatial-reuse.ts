// OBSS-PD (802.11ax spatial reuse) as hostapd configures it, for controllers that can carry only
// raw hostapd lines (OpenWiFi's `hostapd-iface-raw`): the non-SRG OBSS-PD maximum is -82 dBm plus
// `he_spr_non_srg_obss_pd_max_offset`, enabled by bit 2 of `he_spr_sr_control`.
import { OBSS_PD_MIN_DBM } from './regulatory';

const CONTROL = 'he_spr_sr_control';
const OFFSET = 'he_spr_non_srg_obss_pd_max_offset';
/** SR control with "Non-SRG Offset Present" set. */
const NON_SRG_OFFSET_PRESENT = 4;

/** The raw lines for an OBSS-PD threshold; none at the standard's floor (spatial reuse off). */
export function obssPdRawLines(obssPdDbm: number): string[] {
  if (obssPdDbm <= OBSS_PD_MIN_DBM) return [];
  return [`${CONTROL}=${NON_SRG_OFFSET_PRESENT}`, `${OFFSET}=${obssPdDbm - OBSS_PD_MIN_DBM}`];
}

/** The OBSS-PD threshold the raw lines set: the floor when they set none. */
export function obssPdFromRawLines(lines: readonly string[]): number {
  const offset = lines.map((l) => l.match(new RegExp(`^\\s*${OFFSET}\\s*=\\s*(\\d+)\\s*$`))).find(Boolean);
  return offset ? OBSS_PD_MIN_DBM + Number(offset[1]) : OBSS_PD_MIN_DBM;
}

/** The raw lines without the spatial-reuse ones (kept as they were when OBSS-PD changes). */
export function withoutSpatialReuse(lines: readonly string[]): string[] {
  return lines.filter((l) => !new RegExp(`^\\s*(${CONTROL}|${OFFSET})\\s*=`).test(l));
}
