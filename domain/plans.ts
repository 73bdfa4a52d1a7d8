// What to do about an event, decided from the radio's current state: the "plan" stage. Pure.
import type { RrmEvent } from './events';
import type { Policy } from './policy';
import { channelsClosedByRadar, bondedSubchannels, maxTxPowerForObssPd } from './regulatory';
import { selectChannel, type ChannelObservation, type CandidateScore } from './channel-selection';
import { diffConfig, type ConfigurationChange, type RadioSnapshot } from './radio';

export const ACTION_TYPES = ['CHANNEL_CHANGE', 'OBSS_PD_TUNE'] as const;
export type ActionType = (typeof ACTION_TYPES)[number];

export type ActionPlan =
  | {
      kind: 'change';
      actionType: ActionType;
      changes: ConfigurationChange[];
      explanation: string;
      /** Channel scores behind a channel choice, for the audit record. */
      scores?: CandidateScore[];
    }
  | { kind: 'no_action'; explanation: string }
  /** Action needed but impossible (e.g. no permitted channel left). */
  | { kind: 'impossible'; explanation: string };

export interface PlanningInput {
  event: RrmEvent;
  radio: RadioSnapshot;
  observations: ChannelObservation[];
  /** 20 MHz channels in their Non-Occupancy Period on this AP. */
  blockedChannels: number[];
  /** Channels to stay off beyond the blocked ones, e.g. a channel that degraded after a move. */
  avoidChannels?: number[];
  policy: Policy;
}

/** The 20 MHz channels the radar closes on this radio (the whole bonded channel it operates on). */
export function radarClosedChannels(radarChannel: number, radio: RadioSnapshot): number[] {
  const { config, regulatoryDomain } = radio;
  const operating = bondedSubchannels('5g', config.channel, config.width, regulatoryDomain);
  const width = operating.includes(radarChannel) ? config.width : 20;
  return channelsClosedByRadar(radarChannel, width, regulatoryDomain);
}

function channelMove(input: PlanningInput, avoid: number[], nonDfsOnly: boolean, why: string): ActionPlan {
  const { radio, observations, blockedChannels } = input;
  const selection = selectChannel({
    radio: radio.radio,
    regulatoryDomain: radio.regulatoryDomain,
    currentChannel: radio.config.channel,
    currentWidth: radio.config.width,
    observations,
    blockedChannels,
    avoidChannels: [...avoid, ...(input.avoidChannels ?? [])],
    nonDfsOnly,
  });
  if (selection.kind === 'none')
    return { kind: 'impossible', explanation: `${why}; ${selection.explanation}` };
  return {
    kind: 'change',
    actionType: 'CHANNEL_CHANGE',
    changes: diffConfig(radio.config, { channel: selection.channel, width: selection.width }),
    explanation: `${why}; ${selection.explanation}`,
    scores: selection.scores,
  };
}

/** DFS radar: leave the radar's bonded channel for the best non-DFS channel. */
export function planRadarMove(input: PlanningInput): ActionPlan {
  const radarChannel = Number(input.event.data.channel);
  const { config, regulatoryDomain } = input.radio;
  const operating = bondedSubchannels('5g', config.channel, config.width, regulatoryDomain);
  if (!operating.includes(radarChannel)) {
    return {
      kind: 'no_action',
      explanation: `radio already off radar channel ${radarChannel} (now on ${config.channel}/${config.width} MHz)`,
    };
  }
  return channelMove(input, operating, true, `radar on channel ${radarChannel}`);
}

/** Non-Wi-Fi burst: move away when sure of the interferer, otherwise raise OBSS-PD. */
export function planInterferenceResponse(input: PlanningInput): ActionPlan {
  const { event, radio, policy } = input;
  const { config, regulatoryDomain } = radio;
  const interfererChannel = typeof event.data.channel === 'number' ? event.data.channel : config.channel;
  const operating = bondedSubchannels(radio.radio, config.channel, config.width, regulatoryDomain);
  if (!operating.includes(interfererChannel)) {
    return {
      kind: 'no_action',
      explanation: `interferer on channel ${interfererChannel} is outside the radio's channel ${config.channel}/${config.width} MHz`,
    };
  }
  const why = `non-Wi-Fi interference on channel ${interfererChannel} (confidence ${event.confidence})`;
  if (event.confidence >= policy.interference.channelChangeMinConfidence) {
    return channelMove(input, operating, false, why);
  }
  const obssPdDbm = Math.min(
    config.obssPdDbm + policy.interference.obssPdStepDb,
    policy.interference.obssPdCapDbm,
  );
  if (obssPdDbm <= config.obssPdDbm) {
    return { kind: 'no_action', explanation: `${why}; OBSS-PD already at its cap ${config.obssPdDbm} dBm` };
  }
  const txPowerDbm = Math.min(config.txPowerDbm, maxTxPowerForObssPd(obssPdDbm));
  return {
    kind: 'change',
    actionType: 'OBSS_PD_TUNE',
    changes: diffConfig(config, { obssPdDbm, txPowerDbm }),
    explanation: `${why}; raising OBSS-PD ${config.obssPdDbm} → ${obssPdDbm} dBm (TX power cap ${maxTxPowerForObssPd(obssPdDbm)} dBm by the 1:1 rule)`,
  };
}
