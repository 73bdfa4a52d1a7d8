// Regulatory facts of docs/policy.md: which channels a radio may use and how 20 MHz channels bond
// into wider ones. Which of them are DFS, and the rules that follow, are in dfs.ts. Pure data and
// functions, importable from workflow code.

export const RADIOS = ['2g', '5g', '6g'] as const;
export type Radio = (typeof RADIOS)[number];

export const REGULATORY_DOMAINS = ['US', 'EU'] as const;
export type RegulatoryDomain = (typeof REGULATORY_DOMAINS)[number];

export const WIDTHS = [20, 40, 80, 160] as const;
export type ChannelWidth = (typeof WIDTHS)[number];

/** OBSS-PD (spatial reuse) threshold range in dBm, IEEE 802.11ax. */
export const OBSS_PD_MIN_DBM = -82;
export const OBSS_PD_MAX_DBM = -62;

const range = (from: number, to: number, step = 4): number[] => {
  const out: number[] = [];
  for (let c = from; c <= to; c += step) out.push(c);
  return out;
};

/** The 5 GHz band per domain; which of its channels are DFS is dfs.ts's. */
const BAND_5G: Record<RegulatoryDomain, number[]> = {
  US: [...range(36, 64), ...range(100, 144), ...range(149, 165)],
  EU: [...range(36, 64), ...range(100, 140)],
};
const CHANNELS_2G: Record<RegulatoryDomain, number[]> = {
  US: range(1, 11, 1),
  EU: range(1, 13, 1),
};
// 6 GHz 20 MHz channels 1, 5, ..., 233 (US); EU opened the lower 6 GHz band only (up to 93).
const CHANNELS_6G: Record<RegulatoryDomain, number[]> = {
  US: range(1, 233),
  EU: range(1, 93),
};

/** 2.4 GHz channels that do not overlap each other; preferred by channel selection. */
export const PREFERRED_2G_CHANNELS = [1, 6, 11];

/** Lowest 20 MHz channel of each bonded 5 GHz channel, per width (docs/policy.md). */
const BONDED_5G_STARTS: Record<Exclude<ChannelWidth, 20>, number[]> = {
  40: [36, 44, 52, 60, 100, 108, 116, 124, 132, 140, 149, 157],
  80: [36, 52, 100, 116, 132, 149],
  160: [36, 100],
};

const SUBCHANNELS_PER_WIDTH: Record<ChannelWidth, number> = { 20: 1, 40: 2, 80: 4, 160: 8 };

/** All 20 MHz channels the radio's band has in the domain (a shared list: do not change it). */
export function channelsOfBand(radio: Radio, domain: RegulatoryDomain): readonly number[] {
  switch (radio) {
    case '2g':
      return CHANNELS_2G[domain];
    case '5g':
      return BAND_5G[domain];
    case '6g':
      return CHANNELS_6G[domain];
  }
}

/**
 * The 20 MHz channels bonded together with `channel` at `width`, or [] when `channel` is not part
 * of any bonded channel of that width in the domain (e.g. 165 at 40 MHz).
 */
export function bondedSubchannels(
  radio: Radio,
  channel: number,
  width: ChannelWidth,
  domain: RegulatoryDomain,
): number[] {
  const band = channelsOfBand(radio, domain);
  if (!band.includes(channel)) return [];
  if (width === 20) return [channel];
  if (radio === '2g') return []; // wide channels on 2.4 GHz are not offered
  const count = SUBCHANNELS_PER_WIDTH[width];
  const starts = radio === '5g' ? BONDED_5G_STARTS[width] : band.filter((c) => (c - 1) % (count * 4) === 0);
  for (const start of starts) {
    const block = range(start, start + 4 * (count - 1));
    if (block.includes(channel)) return block.every((c) => band.includes(c)) ? block : [];
  }
  return [];
}

/**
 * The channels a radio may be set to at a width: the primary (lowest) 20 MHz channel of every
 * bonded channel that is fully inside the band. At 20 MHz, every channel of the band.
 */
export function permittedChannels(radio: Radio, width: ChannelWidth, domain: RegulatoryDomain): number[] {
  return channelsOfBand(radio, domain).filter((c) => {
    const block = bondedSubchannels(radio, c, width, domain);
    return block.length > 0 && block[0] === c;
  });
}

/** True when the channel/width pair is a valid operating channel in the domain. */
export function isPermitted(
  radio: Radio,
  channel: number,
  width: ChannelWidth,
  domain: RegulatoryDomain,
): boolean {
  return bondedSubchannels(radio, channel, width, domain).length > 0;
}

/** The widths to try, widest first, no wider than `width`. */
export function widthsUpTo(width: ChannelWidth): ChannelWidth[] {
  return WIDTHS.filter((w) => w <= width).reverse();
}

/**
 * IEEE 802.11ax spatial-reuse rule (1:1): every dB the OBSS-PD threshold is raised above −82 dBm
 * lowers the maximum TX power by 1 dB from the 21 dBm reference.
 */
export const OBSS_PD_TX_POWER_REF_DBM = 21;
export function maxTxPowerForObssPd(obssPdDbm: number): number {
  return OBSS_PD_TX_POWER_REF_DBM - Math.max(0, obssPdDbm - OBSS_PD_MIN_DBM);
}

/** Centre frequency in MHz of a 20 MHz channel (IEEE 802.11 channel numbering of each band). */
export function frequencyMhz(radio: Radio, channel: number): number {
  if (radio === '2g') return channel === 14 ? 2484 : 2407 + 5 * channel;
  return (radio === '5g' ? 5000 : 5950) + 5 * channel;
}

/** The band and 20 MHz channel of a centre frequency in MHz, if it is one of the three bands'. */
export function channelOfFrequency(mhz: number): { radio: Radio; channel: number } | undefined {
  if (mhz === 2484) return { radio: '2g', channel: 14 };
  if (mhz >= 2412 && mhz <= 2472) return { radio: '2g', channel: (mhz - 2407) / 5 };
  if (mhz >= 5160 && mhz <= 5885) return { radio: '5g', channel: (mhz - 5000) / 5 };
  if (mhz >= 5955 && mhz <= 7115) return { radio: '6g', channel: (mhz - 5950) / 5 };
  return undefined;
}
