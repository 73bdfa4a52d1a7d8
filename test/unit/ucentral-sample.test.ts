// A monitor sample from uCentral state reports (activities/controller/openwifi/ucentral.ts sampleOf):
// the traffic the monitor judges by, clients from the associations and the radio's own airtime from
// its survey entry for its own channel (time_tx over time, as the uCentral state schema defines them).
import { sampleOf } from '../../activities/controller/openwifi/ucentral';
import { StateSchema, type State } from '../../activities/controller/openwifi/schemas';

/** A report of one 5 GHz radio on channel 36 (5180 MHz) with `stations` associated. */
function report(stations: string[], survey: Record<string, number>[] = []): State {
  return StateSchema.parse({
    radios: [{ channel: 36, channel_width: 80, band: ['5G'], survey }],
    interfaces: [
      {
        ssids: [
          {
            band: '5G',
            radio: { $ref: '#/radios/0' },
            associations: stations.map((station) => ({ station, rssi: -60, tx_packets: 100 })),
            delta_counters: {
              tx_packets: 1_000,
              tx_retries: 50,
              tx_failed: 10,
              tx_bytes: 1e6,
              rx_bytes: 1e6,
            },
          },
        ],
      },
    ],
  });
}

const own = (time: number, timeTx: number) => ({ frequency: 5180, time, busy: timeTx, time_tx: timeTx });
const neighbour = { frequency: 5200, time: 60_000, busy: 30_000, time_tx: 0 };

describe('sampleOf: the traffic on the radio', () => {
  it('counts the associated stations and takes the own channel survey as the airtime', () => {
    const sample = sampleOf(report(['a', 'b', 'c'], [neighbour, own(60_000, 4_500)]), undefined, '5g', 60);
    expect(sample).toMatchObject({ clientCount: 3, airtimePct: 7.5, transmitting: true });
  });

  it('reads a radio nobody is associated with as no clients, its airtime its beacons', () => {
    expect(sampleOf(report([], [own(60_000, 600)]), undefined, '5g', 60)).toMatchObject({
      clientCount: 0,
      airtimePct: 1,
    });
  });

  it.each([
    ['no survey entry for its channel', [neighbour]],
    ['a survey entry with no time', [own(0, 0)]],
    ['more sent than the entry lasted', [own(60_000, 61_000)]],
  ])('leaves the airtime unknown with %s', (_case, survey) => {
    const sample = sampleOf(report(['a'], survey), undefined, '5g', 60);
    expect(sample.airtimePct).toBeUndefined();
    expect(sample.clientCount).toBe(1);
  });
});
