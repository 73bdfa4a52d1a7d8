// The eventId of an event that came without one: derived from its content, so a client that sends
// the same event again (its retry after a 503, a partial start of a batch) starts it once.
import { createHash } from 'node:crypto';
import canonicalize from 'canonicalize';
import type { EventIdentity } from '../../domain/events';

/**
 * A name-based UUID (RFC 9562 version 8) over the event's canonical JSON: the same content always
 * gives the same id, and the id keeps the contract's UUID form.
 */
export function contentEventId(identity: EventIdentity): string {
  const hash = createHash('sha256').update(canonicalize(identity)!, 'utf8').digest();
  hash[6] = (hash[6] & 0x0f) | 0x80; // version 8
  hash[8] = (hash[8] & 0x3f) | 0x80; // variant 10
  const hex = hash.subarray(0, 16).toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
