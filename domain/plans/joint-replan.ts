// A move of a burst's joint re-plan (domain/joint-plan.ts): the burst workflow chose the channel for
// this radio together with its neighbours'; the event moves it there, under its turn like any change,
// unless radar has closed that channel since or the radio is already there.
import { describeGain } from '../joint-plan';
import { bondedSubchannels } from '../regulatory';
import { ownRadioStep, plannerFor } from './types';

export type { JointReplanMoveData } from '../events';

export const jointReplanMove = plannerFor('JOINT_REPLAN', {
  needs: {},
  plan(ctx) {
    const { channel, width, burst, gain } = ctx.event.data;
    const { config, regulatoryDomain, radio } = ctx.radio;
    const why =
      `joint re-plan of burst ${burst.id} (${burst.radios} radios, co-channel neighbour pairs ` +
      `${burst.coChannelPairsBefore} → ${burst.coChannelPairsAfter})`;
    if (config.channel === channel && config.width === width) {
      return { kind: 'no_action', explanation: `${why}: already on ${channel}/${width} MHz` };
    }
    // Closed for radar since the plan, or refused by the controller for radar just now.
    const closed = bondedSubchannels(radio, channel, width, regulatoryDomain).filter(
      (c) => ctx.closedChannels.includes(c) || ctx.unavailableChannels.includes(c),
    );
    if (closed.length > 0) {
      return {
        kind: 'no_action',
        explanation: `${why}: ${channel}/${width} MHz is closed now (${closed.join(', ')})`,
      };
    }
    return {
      kind: 'change',
      actionType: 'CHANNEL_CHANGE',
      steps: [ownRadioStep(ctx, { channel, width })],
      explanation:
        `${why}: ${config.channel}/${config.width} → ${channel}/${width} MHz` +
        (gain ? `, for ${describeGain(gain)}` : ''),
    };
  },
});
