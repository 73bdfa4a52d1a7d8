// Channel reservations (domain/channel-reservations.ts): the book's rules, and a radar move that
// counts its neighbours' moves in flight as made.
import {
  describeReservations,
  lapse,
  release,
  reserve,
  withReservations,
  type ChannelReservation,
} from '../../domain/channel-reservations';
import { PLANNERS } from '../../domain/plans';
import { ap, change, context, event, obs, scan } from './plan-fixtures';

const NOW = 1_000_000;
const booking = (eventId: string, apId: string, channels: number[], o: Partial<ChannelReservation> = {}) => ({
  eventId,
  apId,
  radio: '5g' as const,
  channels,
  until: NOW + 60_000,
  ...o,
});

describe('reserve', () => {
  it('answers with the live bookings of the neighbours on the same band, made before it', () => {
    let book: ChannelReservation[] = [];
    ({ book } = reserve(book, { ...booking('a', 'ap-a', [36]), neighbours: ['ap-b'] }, NOW));
    ({ book } = reserve(book, { ...booking('far', 'ap-far', [40]), neighbours: [] }, NOW));
    ({ book } = reserve(book, { ...booking('a2g', 'ap-a', [1], { radio: '2g' }), neighbours: [] }, NOW));
    ({ book } = reserve(
      book,
      { ...booking('old', 'ap-old', [44], { until: NOW }), neighbours: [] },
      NOW - 1,
    ));
    const { book: after, near } = reserve(
      book,
      { ...booking('b', 'ap-b', [36]), neighbours: ['ap-a', 'ap-old'] },
      NOW,
    );
    expect(near.map((r) => r.eventId)).toEqual(['a']); // not the 2.4 GHz one, not the lapsed one, not a stranger's
    expect(after.map((r) => r.eventId)).toEqual(['a', 'far', 'a2g', 'b']);
  });

  it('replaces the event’s own earlier booking, and a newer action on the same radio supersedes', () => {
    let { book } = reserve([], { ...booking('a', 'ap-a', [36]), neighbours: [] }, NOW);
    ({ book } = reserve(book, { ...booking('a', 'ap-a', [40]), neighbours: [] }, NOW));
    expect(book).toEqual([booking('a', 'ap-a', [40])]);
    ({ book } = reserve(book, { ...booking('a-later', 'ap-a', [44]), neighbours: [] }, NOW));
    expect(book.map((r) => r.eventId)).toEqual(['a-later']);
  });

  it('never answers with the AP’s own booking, even when listed as its own neighbour', () => {
    const { book } = reserve([], { ...booking('a', 'ap-a', [36]), neighbours: [] }, NOW);
    expect(reserve(book, { ...booking('a', 'ap-a', [40]), neighbours: ['ap-a'] }, NOW).near).toEqual([]);
  });
});

describe('reserve with the bookings the choice counted (compare-and-set)', () => {
  const first = reserve([], { ...booking('a', 'ap-a', [36]), neighbours: ['ap-b'], seen: [] }, NOW);

  it('books a choice that counted nothing when no neighbour booked before it', () => {
    expect(first).toMatchObject({ booked: true, near: [] });
  });

  it('refuses a choice that did not count a neighbour’s booking, and names it', () => {
    const second = reserve(
      first.book,
      { ...booking('b', 'ap-b', [36]), neighbours: ['ap-a'], seen: [] },
      NOW,
    );
    expect(second).toMatchObject({ booked: false, near: [booking('a', 'ap-a', [36])] });
    expect(second.book).toEqual(first.book);
  });

  it('books a choice that counted them all, and refuses one that counted an earlier choice of theirs', () => {
    const counted = {
      ...booking('b', 'ap-b', [40]),
      neighbours: ['ap-a'],
      seen: [{ eventId: 'a', channels: [36] }],
    };
    expect(reserve(first.book, counted, NOW)).toMatchObject({ booked: true });
    const rebooked = reserve(first.book, { ...booking('a', 'ap-a', [44]), neighbours: [] }, NOW).book;
    expect(reserve(rebooked, counted, NOW)).toMatchObject({ booked: false });
  });
});

describe('release and lapse', () => {
  it('release ends one event’s booking and leaves the book as it is when it has none', () => {
    const book = [booking('a', 'ap-a', [36]), booking('b', 'ap-b', [40])];
    expect(release(book, 'a')).toEqual([booking('b', 'ap-b', [40])]);
    expect(release(book, 'none')).toBe(book);
  });

  it('lapse drops bookings whose time is up', () => {
    const book = [booking('a', 'ap-a', [36], { until: NOW }), booking('b', 'ap-b', [40])];
    expect(lapse(book, NOW).map((r) => r.eventId)).toEqual(['b']);
    expect(lapse(book, NOW - 1)).toBe(book);
  });
});

describe('withReservations', () => {
  it('counts each booking as one more co-channel neighbour on every channel it covers', () => {
    const observations = [obs(36), obs(40, { neighborCount: 2, strongestNeighborDbm: -70 }), obs(44)];
    const seen = withReservations(observations, [{ channels: [36, 40] }, { channels: [40] }]);
    expect(seen).toEqual([
      obs(36, { neighborCount: 1 }),
      obs(40, { neighborCount: 4, strongestNeighborDbm: -70 }),
      obs(44),
    ]);
    expect(withReservations(observations, [])).toBe(observations);
  });

  it('describes bookings for an explanation', () => {
    expect(
      describeReservations([booking('a', 'ap-a', [36]), booking('b', 'ap-b', [100, 104, 108, 112])]),
    ).toBe('ap-a on 36, ap-b on 100-112');
  });
});

describe('a radar move seeing its neighbours’ moves in flight', () => {
  const radar = () =>
    context({
      event: event('DFS_RADAR', { channel: 52 }),
      ap: ap('ap-01', { '5g': { channel: 52, width: 20 } }, { neighbors: ['ap-02'] }),
      observations: scan('US'),
    });

  it('takes another channel than the one a neighbour just booked, and says why', () => {
    const alone = change(PLANNERS.DFS_RADAR.plan(radar()));
    const target = (plan: typeof alone) => (plan.steps[0] as { target: { channel: number } }).target.channel;
    expect(target(alone)).toBe(36);
    const seeing = change(
      PLANNERS.DFS_RADAR.plan({ ...radar(), reservations: [booking('r-02', 'ap-02', [36])] }),
    );
    expect(target(seeing)).not.toBe(36);
    expect(seeing.explanation).toContain("counting neighbours' moves in flight: ap-02 on 36");
  });
});
