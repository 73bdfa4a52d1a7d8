// Moving a radio to the best channel: shared by radar, interference and QoE plans.
import { selectChannel } from '../channel-selection';
import { describeReservations, withReservations } from '../channel-reservations';
import { ownRadioStep, type ActionPlan, type PlanningContext } from './types';

export function channelMove(
  ctx: PlanningContext,
  /** The radio's channels it moves off. */
  leaving: number[],
  nonDfsOnly: boolean,
  why: string,
): ActionPlan {
  const { radio } = ctx;
  if (!ctx.observations) throw new Error('channel planning needs a scan');
  const selection = selectChannel({
    radio: radio.radio,
    regulatoryDomain: radio.regulatoryDomain,
    currentChannel: radio.config.channel,
    currentWidth: radio.config.width,
    observations: withReservations(ctx.observations, ctx.reservations ?? []),
    closedChannels: ctx.closedChannels,
    avoidChannels: [...leaving, ...ctx.unavailableChannels],
    nonDfsOnly,
    ...(ctx.blind ? { drawAmongTies: `${ctx.ap.apId}/${radio.radio}` } : {}),
  });
  if (selection.kind === 'none')
    return { kind: 'impossible', explanation: `${why}; ${selection.explanation}` };
  const reserved = ctx.reservations?.length
    ? `; counting neighbours' moves in flight: ${describeReservations(ctx.reservations)}`
    : '';
  return {
    kind: 'change',
    actionType: 'CHANNEL_CHANGE',
    steps: [ownRadioStep(ctx, { channel: selection.channel, width: selection.width })],
    explanation: `${why}; ${selection.explanation}${reserved}`,
    scores: selection.scores,
    ...(selection.scores[0].cacMs > 0 ? { cacMs: selection.scores[0].cacMs } : {}),
  };
}
