// How fast the plan stage chooses a channel: selectChannel over a full US 5 GHz scan at every width.
// Prints selections per second and the time per selection. `npm run bench`.
import { performance } from 'node:perf_hooks';
import { selectChannel, type ChannelObservation } from '../domain/channel-selection';
import { channelsOfBand, WIDTHS } from '../domain/regulatory';

const observations: ChannelObservation[] = channelsOfBand('5g', 'US').map((channel, i) => ({
  channel,
  neighborCount: i % 4,
  strongestNeighborDbm: i % 4 ? -60 - (i % 30) : null,
  nonWifiDutyCyclePct: (i * 7) % 40,
  clientSupportPct: 80 + (i % 20),
}));

const ROUNDS = 20_000;
for (const width of WIDTHS) {
  const request = {
    radio: '5g' as const,
    regulatoryDomain: 'US' as const,
    currentChannel: 52,
    currentWidth: width,
    observations,
    closedChannels: [52, 56, 60, 64],
    avoidChannels: [],
    nonDfsOnly: false,
  };
  for (let i = 0; i < 1_000; i++) selectChannel(request); // warm-up
  const start = performance.now();
  for (let i = 0; i < ROUNDS; i++) selectChannel(request);
  const ms = performance.now() - start;
  console.log(
    `selectChannel ${String(width).padStart(3)} MHz: ${Math.round((ROUNDS / ms) * 1000).toLocaleString('en')} selections/s, ${((ms / ROUNDS) * 1000).toFixed(1)} µs each`,
  );
}
