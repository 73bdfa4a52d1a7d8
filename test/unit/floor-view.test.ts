// The floor view's co-channel pairs (client/library/floor.ts): RF neighbours whose radios of one band
// share a 20 MHz channel, bonded widths included, each pair once, APs out of service left out.
import { coChannelPairs } from '../../client/library';

type Radios = { radio: '2g' | '5g'; channel: number; width: number }[];
const ap = (apId: string, neighbors: string[], radios: Radios, status = 'UP') => ({
  apId,
  status,
  neighbors,
  radios,
});

describe('co-channel pairs of the floor', () => {
  it('pairs neighbours whose bonded channels overlap, once, whichever lists the other', () => {
    const pairs = coChannelPairs([
      ap('ap-1', ['ap-2'], [{ radio: '5g', channel: 36, width: 80 }]),
      // 44 is inside 36/80 (36–48); ap-2 does not list ap-1 back.
      ap('ap-2', [], [{ radio: '5g', channel: 44, width: 20 }]),
    ]);
    expect(pairs).toEqual([{ radio: '5g', apIds: ['ap-1', 'ap-2'] }]);
  });

  it('leaves out neighbours on separate channels, APs that do not hear each other, and APs down', () => {
    const pairs = coChannelPairs([
      ap(
        'ap-1',
        ['ap-2', 'ap-3'],
        [
          { radio: '5g', channel: 36, width: 20 },
          { radio: '2g', channel: 6, width: 20 },
        ],
      ),
      ap(
        'ap-2',
        ['ap-1'],
        [
          { radio: '5g', channel: 40, width: 20 },
          { radio: '2g', channel: 6, width: 20 },
        ],
      ),
      ap('ap-3', ['ap-1'], [{ radio: '2g', channel: 6, width: 20 }], 'DOWN'),
      ap('ap-4', [], [{ radio: '5g', channel: 36, width: 20 }]),
    ]);
    expect(pairs).toEqual([{ radio: '2g', apIds: ['ap-1', 'ap-2'] }]);
  });

  it('ignores a neighbour the floor does not list', () => {
    expect(coChannelPairs([ap('ap-1', ['elsewhere'], [{ radio: '5g', channel: 36, width: 20 }])])).toEqual(
      [],
    );
  });
});
