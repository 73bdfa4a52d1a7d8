// burstReplan (`burst-replan:<taskQueue>`): the deployment's channel moves seen together
// (docs/coordination.md). It keeps the book of channel reservations (the channels moves in flight
// have chosen, seen by their neighbours planning at the same time) and re-plans a burst's
// neighbourhood as one ("Joint re-plan of a burst"): events tell it of every channel move they make;
// once the moves have gone quiet, each RF neighbourhood where enough radios moved is planned jointly
// and a JOINT_REPLAN event is started for each move worth making: under its radio's turn, watched,
// rolled back if worse and signed like any change. It ends after an idle spell and continues as new
// when its history grows.
import {
  condition,
  continueAsNew,
  getExternalWorkflowHandle,
  setCurrentDetails,
  setHandler,
  workflowInfo,
} from '@temporalio/workflow';
import * as reservations from '../domain/channel-reservations';
import { policy } from './activity-proxies';
import { replanBurst } from './burst/replan';
import {
  burstStateQuery,
  channelBookingAnsweredSignal,
  channelChangedSignal,
  releaseReservationSignal,
  reserveChannelSignal,
  type BurstView,
  type ChannelChange,
} from './definitions';

export async function burstReplan(
  carried: ChannelChange[] = [],
  booked: reservations.ChannelReservation[] = [],
): Promise<void> {
  const view: BurstView = { pending: [...carried], planned: [], reservations: booked };
  setHandler(reserveChannelSignal, ({ answerTo, ...request }) => {
    const { book, ...answer } = reservations.reserve(view.reservations, request, Date.now());
    view.reservations = book;
    if (!answerTo) return;
    // A move that has gone on without the answer (or ended) just does not read it.
    getExternalWorkflowHandle(answerTo.workflowId)
      .signal(channelBookingAnsweredSignal, { ...answer, attempt: answerTo.attempt })
      .catch(() => undefined);
  });
  setHandler(releaseReservationSignal, ({ eventId }) => {
    view.reservations = reservations.release(view.reservations, eventId);
  });
  setHandler(channelChangedSignal, (change) => {
    view.reservations = reservations.release(view.reservations, change.eventId);
    // A re-plan's own move starts no burst; a retried note of a change already waiting counts once.
    if (change.type === 'JOINT_REPLAN' || view.pending.some((c) => c.eventId === change.eventId)) return;
    view.pending.push(change);
  });
  setHandler(burstStateQuery, () => ({
    ...view,
    reservations: reservations.lapse(view.reservations, Date.now()),
  }));
  const { jointReplan, coordinator } = await policy.currentPolicy();
  setCurrentDetails('waiting for channel changes');
  for (;;) {
    if (!(await condition(() => view.pending.length > 0, coordinator.idleTimeoutMs))) return;
    // The burst is over once no radio has moved for a quiet spell.
    for (
      let seen = view.pending.length;
      await condition(() => view.pending.length > seen, jointReplan.quietMs);
    ) {
      seen = view.pending.length;
    }
    const burst = view.pending.splice(0);
    view.planned.push(...(await replanBurst(burst, jointReplan)));
    view.planned.splice(0, Math.max(0, view.planned.length - 10));
    if (workflowInfo().continueAsNewSuggested) {
      const live = reservations.lapse(view.reservations, Date.now());
      await continueAsNew<typeof burstReplan>(view.pending, live);
    }
  }
}
