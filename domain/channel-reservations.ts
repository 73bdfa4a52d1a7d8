// Channel reservations (docs/coordination.md, "Reservations"): a channel an action in flight has
// chosen, counted by its RF neighbours planning at the same time as if the move were already made,
// so that neighbours choosing in the same second spread out instead of piling onto one channel.
// The deployment's burstReplan workflow keeps the book; these are its pure rules.
import type { ChannelObservation } from './channel-selection';
import type { Radio } from './regulatory';

export interface ChannelReservation {
  eventId: string;
  apId: string;
  radio: Radio;
  /** The 20 MHz channels the chosen (bonded) channel covers. */
  channels: number[];
  /** Epoch ms after which it lapses even if its event never said how the move ended. */
  until: number;
}

/** A reservation asked for, with the RF neighbours of the AP whose reservations it must see. */
export interface ReservationRequest extends ChannelReservation {
  neighbours: string[];
  /**
   * The neighbours' bookings the choice already counted. It is booked only when no other booking
   * of a neighbour stands (compare-and-set); absent, it is booked whatever stands.
   */
  seen?: Pick<ChannelReservation, 'eventId' | 'channels'>[];
}

export interface ReservationAnswer {
  /** False when neighbours booked what the choice did not count: choose again counting `near`. */
  booked: boolean;
  /** The live bookings of the AP's neighbours on the same band. */
  near: ChannelReservation[];
}

/**
 * Books `request` (replacing the event's earlier choice, and any other booking of the same radio:
 * a newer action there supersedes it) unless neighbours booked what it did not count. Whoever books
 * second has counted the first, so neighbours choosing in the same second spread out.
 */
export function reserve(
  book: ChannelReservation[],
  { neighbours, seen, ...reservation }: ReservationRequest,
  now: number,
): ReservationAnswer & { book: ChannelReservation[] } {
  const sameRadio = (r: ChannelReservation) =>
    r.eventId === reservation.eventId || (r.apId === reservation.apId && r.radio === reservation.radio);
  const live = lapse(book, now);
  const near = live.filter(
    (r) => !sameRadio(r) && r.radio === reservation.radio && neighbours.includes(r.apId),
  );
  const counted = (r: ChannelReservation) =>
    seen!.some((s) => s.eventId === r.eventId && sameChannels(s.channels, r.channels));
  if (seen && !near.every(counted)) return { book: live, near, booked: false };
  return { book: [...live.filter((r) => !sameRadio(r)), reservation], near, booked: true };
}

const sameChannels = (a: number[], b: number[]): boolean =>
  a.length === b.length && a.every((c, i) => c === b[i]);

/** The event's move landed (the scans show it now) or was given up: its reservation ends. */
export function release(book: ChannelReservation[], eventId: string): ChannelReservation[] {
  return book.some((r) => r.eventId === eventId) ? book.filter((r) => r.eventId !== eventId) : book;
}

/** Drops the reservations whose time is up. */
export function lapse(book: ChannelReservation[], now: number): ChannelReservation[] {
  return book.every((r) => r.until > now) ? book : book.filter((r) => r.until > now);
}

/**
 * The scan as it will be once the neighbours' reserved moves are made: each reservation is one more
 * co-channel neighbour on every 20 MHz channel it covers. Its loudness is not known before it
 * transmits, so it adds to the count the scan already has there (at the loudest RSSI heard, or as a
 * neighbour of unknown RSSI on a channel that had none). The neighbour's old channel keeps counting
 * it: after radar that channel is closed anyway, and counting it a little longer errs on the safe side.
 */
export function withReservations(
  observations: ChannelObservation[],
  reservations: Pick<ChannelReservation, 'channels'>[],
): ChannelObservation[] {
  if (reservations.length === 0) return observations;
  const reservedOn = (channel: number) => reservations.filter((r) => r.channels.includes(channel)).length;
  return observations.map((o) => {
    const extra = reservedOn(o.channel);
    return extra === 0 ? o : { ...o, neighborCount: (o.neighborCount || 0) + extra };
  });
}

/** "ap-02 on 36, ap-03 on 40-52" for a plan's explanation. */
export function describeReservations(reservations: ChannelReservation[]): string {
  return reservations
    .map((r) => {
      const [first, last] = [Math.min(...r.channels), Math.max(...r.channels)];
      return `${r.apId} on ${first === last ? first : `${first}-${last}`}`;
    })
    .join(', ');
}
