// burstReplan (`burst-replan:<taskQueue>`): the deployment's channel moves seen together
// (docs/coordination.md). It keeps the reservation book (the channels moves in flight
// have chosen, seen by their neighbours planning at the same time) and re-plans a burst's
// neighbourhood as one ("Joint re-plan of a burst"): events tell it of every channel move they make;
// once the moves have gone quiet, each RF neighbourhood where enough radios moved is planned jointly
// and a JOINT_REPLAN event is started for each move worth making: under its radio's turn, watched,
// rolled back if worse and signed like any change. It ends after an idle spell and continues as new
// when its history grows.
import { condition, continueAsNew, setCurrentDetails, setHandler, workflowInfo } from '@temporalio/workflow';
import type { ChannelReservation } from '../../domain/channel-reservations';
import { policyReads } from '../activity-proxies';
import * as messages from './messages';
import { replanBurst } from './replan';
import { ReservationBook } from './reservation-book';

export async function burstReplan(
  carried: messages.ChannelChange[] = [],
  reserved: ChannelReservation[] = [],
): Promise<void> {
  const book = new ReservationBook(carried, reserved);
  setHandler(messages.reserveChannelSignal, (request) => book.reserve(request));
  setHandler(messages.releaseReservationSignal, (release) => book.release(release));
  setHandler(messages.channelChangedSignal, (change) => book.landed(change));
  setHandler(messages.burstStateQuery, () => book.view());
  const { jointReplan, coordinator, events } = await policyReads.currentPolicy();
  setCurrentDetails('waiting for channel changes');
  for (;;) {
    if (!(await condition(() => book.waiting > 0, coordinator.idleTimeoutMs))) return;
    // The burst is over once no radio has moved for a quiet spell.
    for (let seen = book.waiting; await condition(() => book.waiting > seen, jointReplan.quietMs);) {
      seen = book.waiting;
    }
    book.burstPlanned(await replanBurst(book.takeBurst(), jointReplan, events.JOINT_REPLAN.severity));
    if (workflowInfo().continueAsNewSuggested) {
      await continueAsNew<typeof burstReplan>(...book.carried());
    }
  }
}
