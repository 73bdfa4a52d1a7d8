// DFS radar: leave the radar's bonded channel for the best non-DFS channel, keeping the width if possible.
import { bondedSubchannels, channelsClosedByRadar } from '../regulatory';
import type { RadioSnapshot } from '../radio';
import { channelMove } from './channel-move';
import type { Planner } from './types';

/** The 20 MHz channels the radar closes on this radio (the whole bonded channel it operates on). */
export function radarClosedChannels(radarChannel: number, radio: RadioSnapshot): number[] {
  const { config, regulatoryDomain } = radio;
  const operating = bondedSubchannels('5g', config.channel, config.width, regulatoryDomain);
  const width = operating.includes(radarChannel) ? config.width : 20;
  return channelsClosedByRadar(radarChannel, width, regulatoryDomain);
}

export const radarMove: Planner = {
  needs: { scan: true },
  plan(ctx) {
    const radarChannel = Number(ctx.event.data.channel);
    const { config, regulatoryDomain } = ctx.radio;
    const operating = bondedSubchannels('5g', config.channel, config.width, regulatoryDomain);
    if (!operating.includes(radarChannel)) {
      return {
        kind: 'no_action',
        explanation: `radio already off radar channel ${radarChannel} (now on ${config.channel}/${config.width} MHz)`,
      };
    }
    return channelMove(ctx, operating, true, `radar on channel ${radarChannel}`);
  },
};
