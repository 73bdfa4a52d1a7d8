// Non-Wi-Fi burst: move away when sure of the interferer, otherwise raise OBSS-PD.
import { bondedSubchannels } from '../regulatory';
import { channelMove } from './channel-move';
import { obssPdRaise } from './obss-pd';
import { plannerFor } from './types';

export const interferenceResponse = plannerFor('NON_WIFI_BURST', {
  needs: { scan: true },
  plan(ctx) {
    const { event, radio, policy } = ctx;
    const { config, regulatoryDomain } = radio;
    const interfererChannel = event.data.channel ?? config.channel;
    const operating = bondedSubchannels(radio.radio, config.channel, config.width, regulatoryDomain);
    if (!operating.includes(interfererChannel)) {
      return {
        kind: 'no_action',
        explanation: `interferer on channel ${interfererChannel} is outside the radio's channel ${config.channel}/${config.width} MHz`,
      };
    }
    const why = `non-Wi-Fi interference on channel ${interfererChannel} (confidence ${event.confidence})`;
    return event.confidence >= policy.interference.channelChangeMinConfidence
      ? channelMove(ctx, operating, false, why)
      : obssPdRaise(ctx, why);
  },
});
