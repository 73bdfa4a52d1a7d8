// burstReplan (`burst-replan:<taskQueue>`): a burst's neighbourhood planned as one (docs/coordination.md,
// "Joint re-plan of a burst"). Events tell it of every channel move they make; once the moves have
// gone quiet, each RF neighbourhood where enough radios moved is planned jointly and a JOINT_REPLAN
// event is started for each move worth making: under its radio's turn, watched, rolled back if worse
// and signed like any change. It ends after an idle spell and continues as new when its history grows.
import { condition, continueAsNew, setCurrentDetails, setHandler, workflowInfo } from '@temporalio/workflow';
import { policy } from './activity-proxies';
import { replanBurst } from './burst/replan';
import { burstStateQuery, channelChangedSignal, type BurstView, type ChannelChange } from './definitions';

export async function burstReplan(carried: ChannelChange[] = []): Promise<void> {
  const view: BurstView = { pending: [...carried], planned: [] };
  setHandler(channelChangedSignal, (change) => {
    // A retried note of a change already waiting counts once.
    if (!view.pending.some((c) => c.eventId === change.eventId)) view.pending.push(change);
  });
  setHandler(burstStateQuery, () => view);
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
    if (workflowInfo().continueAsNewSuggested) await continueAsNew<typeof burstReplan>(view.pending);
  }
}
