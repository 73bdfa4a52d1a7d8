import {
  EVENT_TYPES,
  EVENT_TYPE_ALIASES,
  EventInputSchema,
  eventJsonSchema,
  validateEvent,
  type ExternalEventType,
  type EventValidation,
  type FieldError,
  type RrmEvent,
} from '../../domain/events';

const NOW = new Date('2025-03-01T12:00:00.000Z');
const ctx = { now: NOW, newEventId: () => 'generated-id-1' };

function ok(result: EventValidation): RrmEvent {
  if (!result.ok) throw new Error(`expected a valid event, got ${JSON.stringify(result.errors)}`);
  return result.event;
}

function errors(result: EventValidation): FieldError[] {
  if (result.ok) throw new Error(`expected validation errors, got ${JSON.stringify(result.event)}`);
  return result.errors;
}

const fieldsOf = (result: EventValidation): string[] => errors(result).map((e) => e.field);

/** Minimal `data` each type needs. */
const MINIMAL_DATA: Record<ExternalEventType, Record<string, unknown> | undefined> = {
  DFS_RADAR: { channel: 52 },
  NON_WIFI_BURST: undefined,
  SPECTRUM_SAT: undefined,
  QOE_DEGRADATION: { clients: [{ clientId: 'c1', qoe: 0.3 }] },
  DENSITY_SPIKE: undefined,
  HW_FAILURE: undefined,
  POWER_BUDGET_EXCEEDED: undefined,
  LOAD_IMBALANCE: undefined,
};

const minimal = (type: string, extra: Record<string, unknown> = {}): Record<string, unknown> => {
  const data = MINIMAL_DATA[type as ExternalEventType];
  return { type, apId: 'ap-1', ...(data ? { data } : {}), ...extra };
};

describe('validateEvent: the eight types', () => {
  it('knows exactly the eight types of docs/policy.md', () => {
    expect([...EVENT_TYPES].sort()).toEqual(
      [
        'DENSITY_SPIKE',
        'DFS_RADAR',
        'HW_FAILURE',
        'LOAD_IMBALANCE',
        'NON_WIFI_BURST',
        'POWER_BUDGET_EXCEEDED',
        'QOE_DEGRADATION',
        'SPECTRUM_SAT',
      ].sort(),
    );
  });

  it.each(EVENT_TYPES.map((t) => [t]))('accepts a minimal %s event', (type) => {
    const event = ok(validateEvent(minimal(type), ctx));
    expect(event.type).toBe(type);
    expect(event.apId).toBe('ap-1');
    expect(event.data).toEqual(MINIMAL_DATA[type] ?? {});
  });

  it.each([
    ['DFS_RADAR_DETECTED', 'DFS_RADAR'],
    ['INTERFERENCE_BURST', 'NON_WIFI_BURST'],
  ])('normalises the alias %s to %s', (alias, canonical) => {
    const event = ok(validateEvent({ ...minimal(canonical), type: alias }, ctx));
    expect(event.type).toBe(canonical);
  });

  it('has exactly the two documented aliases', () => {
    expect(EVENT_TYPE_ALIASES).toEqual({
      DFS_RADAR_DETECTED: 'DFS_RADAR',
      INTERFERENCE_BURST: 'NON_WIFI_BURST',
    });
  });

  it('applies an alias only to its own type: DFS_RADAR_DETECTED still requires data.channel', () => {
    expect(fieldsOf(validateEvent({ type: 'DFS_RADAR_DETECTED', apId: 'ap-1' }, ctx))).toEqual(['data']);
  });

  it('rejects an unknown type, naming the field', () => {
    const errs = errors(validateEvent({ type: 'RADAR', apId: 'ap-1' }, ctx));
    expect(errs.map((e) => e.field)).toEqual(['type']);
    // The message tells the sender what is accepted, aliases included.
    for (const t of [...EVENT_TYPES, 'DFS_RADAR_DETECTED', 'INTERFERENCE_BURST']) {
      expect(errs[0].message).toContain(t);
    }
  });

  it('refuses the internal JOINT_REPLAN: only the loop raises it', () => {
    const result = validateEvent(
      { type: 'JOINT_REPLAN', apId: 'ap-1', data: { channel: 36, width: 80 } },
      ctx,
    );
    expect(fieldsOf(result)).toEqual(['type']);
  });

  it('rejects a type in the wrong case', () => {
    expect(fieldsOf(validateEvent(minimal('dfs_radar', { data: { channel: 52 } }), ctx))).toEqual(['type']);
  });

  it('requires type and apId', () => {
    expect(fieldsOf(validateEvent({ apId: 'ap-1' }, ctx))).toEqual(['type']);
    expect(fieldsOf(validateEvent({ type: 'HW_FAILURE' }, ctx))).toEqual(['apId']);
  });
});

describe('validateEvent: defaults', () => {
  it('defaults radio 5g, confidence 1, source SENSING_API, detectedAt now, no severity override', () => {
    const event = ok(validateEvent({ type: 'HW_FAILURE', apId: 'ap-1' }, ctx));
    expect(event).toEqual({
      eventId: 'generated-id-1',
      type: 'HW_FAILURE',
      apId: 'ap-1',
      radio: '5g',
      severity: undefined,
      confidence: 1,
      detectedAt: '2025-03-01T12:00:00.000Z',
      receivedAt: '2025-03-01T12:00:00.000Z',
      source: 'SENSING_API',
      data: {},
    });
  });

  it('generates an eventId only when absent', () => {
    const newEventId = jest.fn(() => 'fresh');
    expect(ok(validateEvent(minimal('HW_FAILURE'), { now: NOW, newEventId })).eventId).toBe('fresh');
    expect(
      ok(validateEvent(minimal('HW_FAILURE', { eventId: 'mine' }), { now: NOW, newEventId })).eventId,
    ).toBe('mine');
  });

  it('keeps explicit values', () => {
    const event = ok(
      validateEvent(
        minimal('NON_WIFI_BURST', {
          eventId: 'e-1',
          radio: '6g',
          severity: 'LOW',
          confidence: 0.65,
          source: 'MANUAL',
          detectedAt: '2025-03-01T11:59:00Z',
          data: { channel: 37, dutyCyclePct: 40, rssiDbm: -70, interfererType: 'microwave' },
        }),
        ctx,
      ),
    );
    expect(event).toMatchObject({
      eventId: 'e-1',
      radio: '6g',
      severity: 'LOW',
      confidence: 0.65,
      source: 'MANUAL',
      detectedAt: '2025-03-01T11:59:00.000Z',
      receivedAt: '2025-03-01T12:00:00.000Z',
      data: { channel: 37, dutyCyclePct: 40, rssiDbm: -70, interfererType: 'microwave' },
    });
  });

  it.each(['2g', '5g', '6g'])('accepts radio %s', (radio) => {
    expect(ok(validateEvent(minimal('HW_FAILURE', { radio }), ctx)).radio).toBe(radio);
  });

  it.each(['SENSING_API', 'AUTOMATED', 'MANUAL'])('accepts source %s', (source) => {
    expect(ok(validateEvent(minimal('HW_FAILURE', { source }), ctx)).source).toBe(source);
  });

  it.each(['CRITICAL', 'HIGH', 'MEDIUM', 'LOW'])('accepts severity override %s', (severity) => {
    expect(ok(validateEvent(minimal('LOAD_IMBALANCE', { severity }), ctx)).severity).toBe(severity);
  });

  it.each([
    ['radio', '5ghz'],
    ['source', 'SENSOR'],
    ['severity', 'URGENT'],
  ])('rejects an unknown %s value', (field, value) => {
    expect(fieldsOf(validateEvent(minimal('HW_FAILURE', { [field]: value }), ctx))).toEqual([field]);
  });
});

describe('validateEvent: identifiers', () => {
  const id = (n: number) => 'a'.repeat(n);

  it('accepts an eventId of 1 and 128 characters and rejects 0 and 129', () => {
    expect(ok(validateEvent(minimal('HW_FAILURE', { eventId: id(1) }), ctx)).eventId).toBe('a');
    expect(ok(validateEvent(minimal('HW_FAILURE', { eventId: id(128) }), ctx)).eventId).toBe(id(128));
    expect(fieldsOf(validateEvent(minimal('HW_FAILURE', { eventId: id(129) }), ctx))).toEqual(['eventId']);
    expect(fieldsOf(validateEvent(minimal('HW_FAILURE', { eventId: '' }), ctx))).toEqual(['eventId']);
  });

  it('accepts an apId of 1 and 64 characters and rejects 0 and 65', () => {
    expect(ok(validateEvent(minimal('HW_FAILURE', { apId: id(1) }), ctx)).apId).toBe('a');
    expect(ok(validateEvent(minimal('HW_FAILURE', { apId: id(64) }), ctx)).apId).toBe(id(64));
    expect(fieldsOf(validateEvent(minimal('HW_FAILURE', { apId: id(65) }), ctx))).toEqual(['apId']);
    expect(fieldsOf(validateEvent(minimal('HW_FAILURE', { apId: '' }), ctx))).toEqual(['apId']);
  });

  it('accepts every allowed character class: letters, digits and . _ : -', () => {
    const value = 'AZaz09._:-';
    const event = ok(validateEvent(minimal('HW_FAILURE', { eventId: value, apId: value }), ctx));
    expect(event.eventId).toBe(value);
    expect(event.apId).toBe(value);
  });

  it.each(['a b', 'a/b', 'a@b', 'ä', 'a\nb', 'a#1', 'a,b'])('rejects the identifier %j', (value) => {
    expect(fieldsOf(validateEvent(minimal('HW_FAILURE', { eventId: value }), ctx))).toEqual(['eventId']);
    expect(fieldsOf(validateEvent(minimal('HW_FAILURE', { apId: value }), ctx))).toEqual(['apId']);
  });

  it('rejects a non-string identifier', () => {
    expect(fieldsOf(validateEvent(minimal('HW_FAILURE', { apId: 42 }), ctx))).toEqual(['apId']);
  });
});

describe('validateEvent: confidence', () => {
  it.each([0, 0.5, 1])('accepts %p', (confidence) => {
    expect(ok(validateEvent(minimal('HW_FAILURE', { confidence }), ctx)).confidence).toBe(confidence);
  });

  it.each([-0.01, 1.01, '0.9'])('rejects %p', (confidence) => {
    expect(fieldsOf(validateEvent(minimal('HW_FAILURE', { confidence }), ctx))).toEqual(['confidence']);
  });
});

describe('validateEvent: per-type data', () => {
  it('DFS_RADAR requires data.channel', () => {
    expect(fieldsOf(validateEvent({ type: 'DFS_RADAR', apId: 'ap-1' }, ctx))).toEqual(['data']);
    expect(fieldsOf(validateEvent({ type: 'DFS_RADAR', apId: 'ap-1', data: {} }, ctx))).toEqual([
      'data.channel',
    ]);
  });

  it('DFS_RADAR rejects a non-integer or out-of-range channel', () => {
    for (const channel of [52.5, 0, '52']) {
      expect(fieldsOf(validateEvent(minimal('DFS_RADAR', { data: { channel } }), ctx))).toEqual([
        'data.channel',
      ]);
    }
  });

  it('DFS_RADAR is a 5 GHz event: on the 2g or 6g radio it is refused, naming the radio', () => {
    for (const radio of ['2g', '6g']) {
      const [err] = errors(validateEvent(minimal('DFS_RADAR', { radio }), ctx));
      expect(err).toEqual({
        field: 'radio',
        message: 'must be 5g for DFS_RADAR: radar detection (DFS) is a 5 GHz rule',
      });
    }
    expect(ok(validateEvent(minimal('DFS_RADAR', { radio: '5g' }), ctx)).radio).toBe('5g');
  });

  it('says that a missing required field is required', () => {
    const [err] = errors(validateEvent({ type: 'DFS_RADAR', apId: 'ap-1', data: {} }, ctx));
    expect(err).toEqual({ field: 'data.channel', message: 'is required' });
  });

  it('QOE_DEGRADATION requires a non-empty clients list', () => {
    expect(fieldsOf(validateEvent({ type: 'QOE_DEGRADATION', apId: 'ap-1' }, ctx))).toEqual(['data']);
    expect(fieldsOf(validateEvent(minimal('QOE_DEGRADATION', { data: {} }), ctx))).toEqual(['data.clients']);
    expect(fieldsOf(validateEvent(minimal('QOE_DEGRADATION', { data: { clients: [] } }), ctx))).toEqual([
      'data.clients',
    ]);
  });

  it('QOE_DEGRADATION accepts qoe 0 and 1 and rejects values outside 0–1', () => {
    const clients = [
      { clientId: 'a', qoe: 0 },
      { clientId: 'b', qoe: 1 },
    ];
    expect(ok(validateEvent(minimal('QOE_DEGRADATION', { data: { clients } }), ctx)).data).toEqual({
      clients,
    });
    const bad = [
      { clientId: 'a', qoe: 0.4 },
      { clientId: 'b', qoe: 1.2 },
      { clientId: 'c', qoe: -0.1 },
    ];
    expect(fieldsOf(validateEvent(minimal('QOE_DEGRADATION', { data: { clients: bad } }), ctx))).toEqual([
      'data.clients.1.qoe',
      'data.clients.2.qoe',
    ]);
  });

  it('QOE_DEGRADATION requires clientId and qoe on each client', () => {
    expect(
      fieldsOf(validateEvent(minimal('QOE_DEGRADATION', { data: { clients: [{ clientId: 'a' }] } }), ctx)),
    ).toEqual(['data.clients.0.qoe']);
    expect(
      fieldsOf(validateEvent(minimal('QOE_DEGRADATION', { data: { clients: [{ qoe: 0.2 }] } }), ctx)),
    ).toEqual(['data.clients.0.clientId']);
  });

  it('NON_WIFI_BURST checks the ranges of its optional fields', () => {
    const result = validateEvent(
      minimal('NON_WIFI_BURST', { data: { channel: 0, dutyCyclePct: 101, rssiDbm: 5, interfererType: '' } }),
      ctx,
    );
    expect(fieldsOf(result).sort()).toEqual(
      ['data.channel', 'data.dutyCyclePct', 'data.interfererType', 'data.rssiDbm'].sort(),
    );
  });
});

describe('validateEvent: unknown fields', () => {
  it('names an unknown top-level field', () => {
    const errs = errors(validateEvent(minimal('HW_FAILURE', { colour: 'red' }), ctx));
    expect(errs).toEqual([{ field: 'colour', message: 'is not a known field' }]);
  });

  it('names an unknown field in data with its dotted path', () => {
    expect(fieldsOf(validateEvent(minimal('DFS_RADAR', { data: { channel: 52, chanel: 56 } }), ctx))).toEqual(
      ['data.chanel'],
    );
  });

  it('reports each unknown field separately', () => {
    const result = validateEvent(
      minimal('NON_WIFI_BURST', { foo: 1, bar: 2, data: { baz: 3, qux: 4 } }),
      ctx,
    );
    expect(fieldsOf(result).sort()).toEqual(['bar', 'data.baz', 'data.qux', 'foo']);
  });

  it('names an unknown field inside a QoE client entry', () => {
    const clients = [{ clientId: 'a', qoe: 0.2, rssi: -60 }];
    expect(fieldsOf(validateEvent(minimal('QOE_DEGRADATION', { data: { clients } }), ctx))).toEqual([
      'data.clients.0.rssi',
    ]);
  });
});

describe('validateEvent: several bad fields', () => {
  it('reports one error per bad field, each with its dotted path', () => {
    const result = validateEvent(
      {
        type: 'DFS_RADAR',
        apId: 'bad id',
        eventId: 'x'.repeat(129),
        radio: '7g',
        confidence: 2,
        source: 'nobody',
        detectedAt: 'yesterday',
        data: { channel: 'fifty-two' },
      },
      ctx,
    );
    const errs = errors(result);
    expect(errs.map((e) => e.field).sort()).toEqual(
      ['apId', 'confidence', 'data.channel', 'detectedAt', 'eventId', 'radio', 'source'].sort(),
    );
    for (const e of errs) expect(e.message).toEqual(expect.any(String));
    for (const e of errs) expect(e.message.length).toBeGreaterThan(0);
  });
});

describe('validateEvent: detectedAt', () => {
  it('accepts Z and numeric offsets and normalises to UTC', () => {
    expect(
      ok(validateEvent(minimal('HW_FAILURE', { detectedAt: '2025-03-01T13:59:30+02:00' }), ctx)).detectedAt,
    ).toBe('2025-03-01T11:59:30.000Z');
    expect(
      ok(validateEvent(minimal('HW_FAILURE', { detectedAt: '2025-03-01T06:30:00-05:00' }), ctx)).detectedAt,
    ).toBe('2025-03-01T11:30:00.000Z');
    expect(
      ok(validateEvent(minimal('HW_FAILURE', { detectedAt: '2025-03-01T11:00:00.250Z' }), ctx)).detectedAt,
    ).toBe('2025-03-01T11:00:00.250Z');
  });

  it.each(['2025-03-01T11:00:00', '2025-03-01', 'yesterday', '', 1740830400000])(
    'rejects %p (no offset / not ISO-8601)',
    (detectedAt) => {
      expect(fieldsOf(validateEvent(minimal('HW_FAILURE', { detectedAt }), ctx))).toEqual(['detectedAt']);
    },
  );

  it('accepts up to 60 s in the future and rejects beyond', () => {
    expect(
      ok(validateEvent(minimal('HW_FAILURE', { detectedAt: '2025-03-01T12:01:00Z' }), ctx)).detectedAt,
    ).toBe('2025-03-01T12:01:00.000Z');
    expect(
      fieldsOf(validateEvent(minimal('HW_FAILURE', { detectedAt: '2025-03-01T12:01:00.001Z' }), ctx)),
    ).toEqual(['detectedAt']);
    expect(
      ok(validateEvent(minimal('HW_FAILURE', { detectedAt: '2025-03-01T14:00:30+02:00' }), ctx)).detectedAt,
    ).toBe('2025-03-01T12:00:30.000Z');
  });

  it('judges the future with the offset applied', () => {
    // 12:05 at +01:00 is 11:05 UTC: in the past, not 5 min in the future.
    expect(
      ok(validateEvent(minimal('HW_FAILURE', { detectedAt: '2025-03-01T12:05:00+01:00' }), ctx)).detectedAt,
    ).toBe('2025-03-01T11:05:00.000Z');
    // 07:05 at -05:00 is 12:05 UTC: 5 min ahead.
    expect(
      fieldsOf(validateEvent(minimal('HW_FAILURE', { detectedAt: '2025-03-01T07:05:00-05:00' }), ctx)),
    ).toEqual(['detectedAt']);
  });

  it('accepts an old detectedAt (staleness is judged later, not at ingest)', () => {
    expect(
      ok(validateEvent(minimal('HW_FAILURE', { detectedAt: '2024-01-01T00:00:00Z' }), ctx)).detectedAt,
    ).toBe('2024-01-01T00:00:00.000Z');
  });
});

describe('validateEvent: non-object input', () => {
  it.each([null, undefined, 'DFS_RADAR', 42, true, [], [{ type: 'HW_FAILURE', apId: 'ap-1' }]])(
    'rejects %p without throwing',
    (raw) => {
      const errs = errors(validateEvent(raw, ctx));
      // The event as a whole is bad: the field is empty.
      expect(errs.map((e) => e.field)).toEqual(['']);
      for (const e of errs) expect(e.message.length).toBeGreaterThan(0);
    },
  );
});

describe('EventInputSchema', () => {
  it('parses the alias and outputs the canonical type', () => {
    const parsed = EventInputSchema.parse({ type: 'INTERFERENCE_BURST', apId: 'ap-1' });
    expect(parsed.type).toBe('NON_WIFI_BURST');
  });

  it('rejects what validateEvent rejects', () => {
    expect(EventInputSchema.safeParse({ type: 'DFS_RADAR', apId: 'ap-1' }).success).toBe(false);
  });
});

describe('eventJsonSchema', () => {
  const text = JSON.stringify(eventJsonSchema());

  it.each([...EVENT_TYPES, ...Object.keys(EVENT_TYPE_ALIASES)].map((t) => [t]))('mentions %s', (type) => {
    expect(text).toContain(`"${type}"`);
  });

  it('is a JSON-serialisable object with a title', () => {
    const schema = eventJsonSchema();
    expect(schema.title).toBe('RRM event');
    expect(JSON.parse(text)).toEqual(schema);
  });

  it('documents the fields of the contract', () => {
    for (const field of [
      'eventId',
      'apId',
      'radio',
      'severity',
      'confidence',
      'detectedAt',
      'source',
      'data',
    ]) {
      expect(text).toContain(`"${field}"`);
    }
  });
});
