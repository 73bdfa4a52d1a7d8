// Hostile text and oversized input at the event contract and the operator input: refused with the
// field named, before anything starts. Events without an eventId get one derived from their content.
import fc from 'fast-check';
import { contentEventId, OperatorInputSchema, validateEvents } from '../../client/library';
import { MAX_CLIENTS_PER_EVENT, validateEvent, type FieldError } from '../../domain/events';
import { unsafeTextProblem } from '../../domain/safe-text';

const NOW = new Date('2025-03-01T12:00:30.000Z');
const ctx = { now: NOW, newEventId: contentEventId };

function errorsOf(raw: unknown): FieldError[] {
  const result = validateEvent(raw, ctx);
  if (result.ok) throw new Error(`expected a refusal, got ${JSON.stringify(result.event)}`);
  return result.errors;
}

/** Every free-text field of the event contract, with an event that carries `text` in it. */
const FREE_TEXT_FIELDS: Record<string, (text: string) => Record<string, unknown>> = {
  'data.detail': (t) => ({ type: 'HW_FAILURE', apId: 'ap-1', data: { detail: t } }),
  'data.component': (t) => ({ type: 'HW_FAILURE', apId: 'ap-1', data: { component: t } }),
  'data.interfererType': (t) => ({ type: 'NON_WIFI_BURST', apId: 'ap-1', data: { interfererType: t } }),
  'data.clients.0.clientId': (t) => ({
    type: 'QOE_DEGRADATION',
    apId: 'ap-1',
    data: { clients: [{ clientId: t, qoe: 0.2 }] },
  }),
};

const HOSTILE = {
  NUL: 'radio\u0000x',
  escape: 'a\u001b[31mred',
  'carriage return': 'line\rover',
  'unpaired high surrogate': 'x\uD800y',
  'unpaired low surrogate': '\uDC00',
};

describe('hostile text at the event contract', () => {
  for (const [field, eventWith] of Object.entries(FREE_TEXT_FIELDS)) {
    for (const [what, text] of Object.entries(HOSTILE)) {
      it(`refuses ${what} in ${field}, naming the field and the character`, () => {
        const [error] = errorsOf(eventWith(text));
        expect(error.field).toBe(field);
        expect(error.message).toMatch(
          /^must not contain (a control character|an unpaired UTF-16 surrogate) \(U\+/,
        );
      });
    }
    it(`accepts tab, newline, emoji and accents in ${field}`, () => {
      expect(validateEvent(eventWith('Fan\tfailed\n🔥 café'), ctx).ok).toBe(true);
    });
  }

  it('names the first bad character and its position', () => {
    expect(unsafeTextProblem('ok\u0000')).toBe('must not contain a control character (U+0000 at position 2)');
    expect(unsafeTextProblem('\uD83D\uDE00 paired')).toBeUndefined();
  });

  it('refuses any string with a C0 control or a lone surrogate, and nothing else (property)', () => {
    const unsafe = (s: string) =>
      [...s].some((c) => {
        const code = c.charCodeAt(0);
        return (
          (code < 0x20 && c !== '\t' && c !== '\n') || (c.length === 1 && code >= 0xd800 && code <= 0xdfff)
        );
      });
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 40 }), (s) => {
        expect(unsafeTextProblem(s) !== undefined).toBe(unsafe(s));
      }),
    );
  });

  it('refuses a clients list longer than the maximum', () => {
    const clients = Array.from({ length: MAX_CLIENTS_PER_EVENT + 1 }, (_, i) => ({
      clientId: `c${i}`,
      qoe: 0.1,
    }));
    const [error] = errorsOf({ type: 'QOE_DEGRADATION', apId: 'ap-1', data: { clients } });
    expect(error.field).toBe('data.clients');
    expect(error.message).toContain(String(MAX_CLIENTS_PER_EVENT));
  });

  it('refuses hostile operator names and reasons, naming the field', () => {
    for (const field of ['operator', 'reason']) {
      const parsed = OperatorInputSchema.safeParse({ [field]: 'oops\u0000' });
      expect(parsed.success).toBe(false);
      expect(parsed.error!.issues[0]).toMatchObject({
        path: [field],
        message: expect.stringContaining('control character'),
      });
    }
    expect(OperatorInputSchema.parse({ operator: ' alice ', reason: 'undo\nplease' })).toEqual({
      operator: 'alice',
      reason: 'undo\nplease',
    });
  });
});

describe('eventIds derived from content', () => {
  const event = {
    type: 'DFS_RADAR',
    apId: 'ap-1',
    data: { channel: 52 },
    detectedAt: '2025-03-01T12:00:00Z',
  };

  it('gives the same event the same UUID, so a retried submission starts it once', () => {
    const [a] = validateEvents([event], NOW);
    const [b] = validateEvents([{ ...event }], new Date(NOW.getTime() + 3_600_000));
    expect(a.eventId).toBe(b.eventId);
    expect(a.eventId).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-8[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  });

  it('tells apart events that differ in any field of the contract', () => {
    const variants = [
      event,
      { ...event, apId: 'ap-2' },
      { ...event, data: { channel: 56 } },
      { ...event, detectedAt: '2025-03-01T12:00:01Z' },
      { ...event, confidence: 0.9 },
      { ...event, severity: 'HIGH' },
      { ...event, source: 'MANUAL' },
    ];
    const ids = validateEvents(variants, NOW).map((e) => e.eventId);
    expect(new Set(ids).size).toBe(variants.length);
  });

  it('without detectedAt, is the same within the minute of ingest and new in the next', () => {
    const undated = { type: 'HW_FAILURE', apId: 'ap-1' };
    const at = (iso: string) => validateEvents([undated], new Date(iso))[0].eventId;
    expect(at('2025-03-01T12:00:01Z')).toBe(at('2025-03-01T12:00:59Z'));
    expect(at('2025-03-01T12:01:00Z')).not.toBe(at('2025-03-01T12:00:59Z'));
  });

  it('keeps an eventId the source gave', () => {
    expect(validateEvents([{ ...event, eventId: 'mine' }], NOW)[0].eventId).toBe('mine');
  });
});
