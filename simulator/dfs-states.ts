// The simulated radios' DFS channel states (the states and their rules are domain/dfs.ts's, as
// hostapd keeps them in src/ap/dfs.c): a DFS channel the radio has not checked is usable; a move onto
// it starts a Channel Availability Check (CAC) during which the radio does not transmit; once the CAC
// passes the channel is available, and stays so. Radar on a channel the radio operates or checks on
// makes it unavailable for the Non-Occupancy Period, after which it is usable again. Non-DFS channels
// need none of this. Time comes from the world's clock.
import { NON_OCCUPANCY_PERIOD_MS, cacTimeMs, isDfsChannel, type DfsState } from '../domain/dfs';
import { channelsOfBand, type RegulatoryDomain } from '../domain/regulatory';

export interface DfsChannelState {
  channel: number;
  state: DfsState;
  /** End of the CAC or of the Non-Occupancy Period (ISO-8601). */
  until?: string;
}

export interface RadioDfsView {
  /** False while a CAC runs: the radio serves no clients. */
  transmitting: boolean;
  /** End of the running CAC (ISO-8601), or null. */
  cacUntil: string | null;
  channels: DfsChannelState[];
}

interface RadioDfs {
  available: Set<number>;
  /** Channel → epoch ms at which its Non-Occupancy Period ends. */
  unavailable: Map<number, number>;
  cac: { channels: number[]; until: number } | null;
}

export class DfsStates {
  private readonly radios = new Map<string, RadioDfs>();

  constructor(
    private readonly domain: RegulatoryDomain,
    private readonly now: () => number,
  ) {}

  /** A 5 GHz radio serving on `subchannels` from the start has checked them already. */
  serving(key: string, subchannels: number[]): void {
    this.radio(key).available = new Set(subchannels.filter((c) => this.isDfs(c)));
  }

  /** The DFS sub-channels among `subchannels` still in their Non-Occupancy Period for this radio. */
  unavailableOf(key: string, subchannels: number[]): number[] {
    const radio = this.settled(key);
    return subchannels.filter((c) => radio.unavailable.has(c));
  }

  /**
   * The radio moves onto `subchannels`: the DFS ones it has not checked start a CAC (the longest of
   * theirs); a move to checked or non-DFS channels ends any CAC in progress.
   */
  moveOnto(key: string, subchannels: number[]): void {
    const radio = this.settled(key);
    const unchecked = subchannels.filter((c) => this.isDfs(c) && !radio.available.has(c));
    const cacMs = Math.max(0, ...unchecked.map((c) => cacTimeMs('5g', c, this.domain)));
    radio.cac = cacMs > 0 ? { channels: unchecked, until: this.now() + cacMs } : null;
  }

  /**
   * Radar on `channel` heard by a radio operating (or checking) on `subchannels`: those become
   * unavailable for the Non-Occupancy Period, and a CAC on them fails. Other radios do not hear it.
   */
  radar(key: string, channel: number, subchannels: number[]): void {
    if (!subchannels.includes(channel) || !this.isDfs(channel)) return;
    const radio = this.settled(key);
    const until = this.now() + NON_OCCUPANCY_PERIOD_MS;
    for (const c of subchannels.filter((s) => this.isDfs(s))) {
      radio.available.delete(c);
      radio.unavailable.set(c, until);
    }
    radio.cac = null;
  }

  /** True while a CAC runs on the radio: it does not transmit. */
  inCac(key: string): boolean {
    return this.settled(key).cac !== null;
  }

  view(key: string): RadioDfsView {
    const radio = this.settled(key);
    const iso = (ms: number) => new Date(ms).toISOString();
    const channels = channelsOfBand('5g', this.domain)
      .filter((c) => this.isDfs(c))
      .map((channel): DfsChannelState => {
        const nopEnd = radio.unavailable.get(channel);
        if (nopEnd !== undefined) return { channel, state: 'unavailable', until: iso(nopEnd) };
        if (radio.cac?.channels.includes(channel))
          return { channel, state: 'cac', until: iso(radio.cac.until) };
        return { channel, state: radio.available.has(channel) ? 'available' : 'usable' };
      });
    return { transmitting: radio.cac === null, cacUntil: radio.cac ? iso(radio.cac.until) : null, channels };
  }

  /** The radio's states with the clock applied: a finished CAC made its channels available, an ended NOP usable. */
  private settled(key: string): RadioDfs {
    const radio = this.radio(key);
    const now = this.now();
    if (radio.cac && radio.cac.until <= now) {
      radio.cac.channels.forEach((c) => radio.available.add(c));
      radio.cac = null;
    }
    for (const [channel, until] of radio.unavailable) if (until <= now) radio.unavailable.delete(channel);
    return radio;
  }

  private radio(key: string): RadioDfs {
    let radio = this.radios.get(key);
    if (!radio) {
      radio = { available: new Set(), unavailable: new Map(), cac: null };
      this.radios.set(key, radio);
    }
    return radio;
  }

  private isDfs(channel: number): boolean {
    return isDfsChannel('5g', channel, this.domain);
  }
}
