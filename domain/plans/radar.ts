// DFS radar: leave the radar's bonded channel for the best non-DFS channel, keeping the width if possible.
import { bondedSubchannels } from '../regulatory';
import { channelMove } from './channel-move';
import { plannerFor } from './types';

export const radarMove = plannerFor('DFS_RADAR', {
  needs: { scan: true },
  plan(ctx) {
    const radarChannel = ctx.event.data.channel;
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
});
