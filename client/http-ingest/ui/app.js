// The floor page (docs/operator-surfaces.md, "The floor page"): polls the ingest's /v1/floor,
// /v1/events and /v1/bursts with the bearer token index.html keeps, and draws the floor (APs, radios
// coloured by channel, co-channel neighbours in red, CAC, closures, watches, queues), the radios'
// table, the event feed linking each event to the Temporal Web UI, the channel occupancy and the burst
// re-plans. Plain DOM and SVG, no library; every text from the ingest goes in as text, never as markup.
(function () {
  'use strict';
  const { channelColour, placeAps, timeLeft, workflowUrl, occupancy } = window.rrmLayout;
  const ingest = window.rrmIngest;
  const SVG = 'http://www.w3.org/2000/svg';
  const FLOOR = { width: 720, height: 640, pad: 64, notes: 56 };
  /** Where each band's radio sits in its AP's disc. */
  const RADIO_OFFSET = { '5g': { x: -15, y: 0 }, '2g': { x: 15, y: 0 }, '6g': { x: 0, y: -19 } };
  const BAND = { '2g': '2.4 GHz', '5g': '5 GHz', '6g': '6 GHz' };

  const state = { settings: null, floor: null, events: null, bursts: null, skewMs: 0, problems: {} };
  const now = () => Date.now() + state.skewMs;

  // --- DOM helpers -------------------------------------------------------------------------------
  function el(tag, attrs, ...children) {
    const node = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {}))
      if (v !== undefined && v !== null) node.setAttribute(k, v);
    for (const c of children) if (c !== undefined && c !== null) node.append(c);
    return node;
  }
  function svg(tag, attrs, ...children) {
    const node = document.createElementNS(SVG, tag);
    for (const [k, v] of Object.entries(attrs || {}))
      if (v !== undefined && v !== null) node.setAttribute(k, v);
    for (const c of children) if (c !== undefined && c !== null) node.append(c);
    return node;
  }
  const byId = (id) => document.getElementById(id);
  const clear = (node) => node.replaceChildren();
  const eventLink = (workflowId, text) =>
    el(
      'a',
      {
        href: workflowUrl(state.settings.temporalWebUi, state.settings.namespace, workflowId),
        target: '_blank',
        rel: 'noopener noreferrer',
        class: 'workflow-link',
      },
      text,
    );
  const eventWorkflowId = (eventId) => `event:${eventId}`;
  /** A long eventId (a UUID) cut in the middle for the feed; the full one is its title. */
  const shortId = (id) => (id.length > 20 ? `${id.slice(0, 8)}…${id.slice(-6)}` : id);
  const clock = (iso) => (iso ? new Date(iso).toLocaleTimeString() : '');

  function table(id, headings) {
    const t = byId(id);
    clear(t);
    t.append(el('thead', {}, el('tr', {}, ...headings.map((h) => el('th', {}, h)))));
    const body = el('tbody');
    t.append(body);
    return body;
  }

  // --- the page's frame ------------------------------------------------------------------------
  function frame() {
    const signOut = el('button', { id: 'sign-out', type: 'button' }, 'Sign out');
    signOut.addEventListener('click', () => ingest.signOut());
    byId('app').append(
      el(
        'header',
        {},
        el('h1', {}, 'RRM floor'),
        el('span', { id: 'collected' }),
        el('span', { id: 'problem', role: 'status' }),
        signOut,
      ),
      el(
        'div',
        { class: 'grid' },
        el(
          'section',
          { id: 'floor-panel' },
          el('h2', {}, 'Floor ', el('small', { id: 'placed-by' })),
          svg('svg', {
            id: 'floor',
            viewBox: `0 0 ${FLOOR.width} ${FLOOR.height}`,
            role: 'img',
            'aria-label': 'the floor: APs, radios by channel, co-channel neighbours',
          }),
          el(
            'p',
            { class: 'legend' },
            el('span', { class: 'key co-channel' }),
            'co-channel neighbours ',
            el('span', { class: 'key neighbour' }),
            'RF neighbours ',
            el('span', { class: 'key cac' }),
            'CAC (off the air) · left disc 5 GHz, right disc 2.4 GHz, number: channel',
          ),
        ),
        el(
          'section',
          { id: 'feed-panel' },
          el('h2', {}, 'Events'),
          el('table', { id: 'feed' }),
          el('h2', {}, 'Channel occupancy ', el('small', {}, 'radios per channel')),
          svg('svg', { id: 'occupancy', role: 'img', 'aria-label': 'radios per channel' }),
          el('h2', {}, 'Burst re-plans ', el('small', { id: 'bursts-note' })),
          el('table', { id: 'bursts' }),
        ),
        el('section', { id: 'radios-panel' }, el('h2', {}, 'Radios'), el('table', { id: 'radios' })),
      ),
    );
  }

  function showProblems() {
    const text = Object.values(state.problems).filter(Boolean).join(' · ');
    byId('problem').textContent = text;
  }

  // --- the floor ---------------------------------------------------------------------------------
  function drawFloor() {
    const floor = state.floor;
    const root = byId('floor');
    clear(root);
    if (!floor) return;
    const t = now();
    // The bottom row's notes hang below it: the APs are placed in a box that leaves room for them.
    const { byId: at, placedBy } = placeAps(floor.aps, FLOOR.width, FLOOR.height - FLOOR.notes, FLOOR.pad);
    byId('placed-by').textContent = `${floor.aps.length} APs, placed by ${placedBy}`;
    const radioAt = (apId, radio) => ({
      x: at[apId].x + RADIO_OFFSET[radio].x,
      y: at[apId].y + RADIO_OFFSET[radio].y,
    });

    const edges = svg('g', { class: 'edges' });
    const drawn = new Set();
    for (const ap of floor.aps)
      for (const n of ap.neighbors) {
        const key = [ap.apId, n].sort().join('\n');
        if (!at[n] || drawn.has(key)) continue;
        drawn.add(key);
        edges.append(
          svg('line', {
            class: 'neighbour',
            x1: at[ap.apId].x,
            y1: at[ap.apId].y,
            x2: at[n].x,
            y2: at[n].y,
          }),
        );
      }
    for (const pair of floor.coChannelPairs) {
      const [a, b] = pair.apIds;
      if (!at[a] || !at[b]) continue;
      const [p, q] = [radioAt(a, pair.radio), radioAt(b, pair.radio)];
      edges.append(
        svg(
          'line',
          {
            class: 'co-channel',
            'data-radio': pair.radio,
            'data-aps': `${a} ${b}`,
            x1: p.x,
            y1: p.y,
            x2: q.x,
            y2: q.y,
          },
          svg('title', {}, `${a} and ${b} share a ${BAND[pair.radio]} channel`),
        ),
      );
    }
    root.append(edges);

    for (const ap of floor.aps) {
      const { x, y } = at[ap.apId];
      const g = svg('g', {
        class: `ap ${ap.status === 'UP' ? 'up' : 'down'}`,
        'data-ap': ap.apId,
        transform: `translate(${x} ${y})`,
      });
      g.append(svg('circle', { class: 'ap-body', r: 34 }, svg('title', {}, `${ap.apId}: ${ap.status}`)));
      const notes = [];
      for (const r of ap.radios) {
        const off = RADIO_OFFSET[r.radio] || { x: 0, y: 0 };
        const inCac = r.cacUntil !== null && r.cacUntil > t;
        const classes = ['radio', r.holder ? 'held' : '', r.watch ? 'watched' : '', inCac ? 'in-cac' : '']
          .filter(Boolean)
          .join(' ');
        g.append(
          svg(
            'circle',
            {
              class: classes,
              cx: off.x,
              cy: off.y,
              r: 14,
              fill: channelColour(r.radio, r.channel),
              'data-ap': ap.apId,
              'data-radio': r.radio,
              'data-channel': r.channel,
            },
            svg('title', {}, `${ap.apId} ${BAND[r.radio]}: channel ${r.channel}/${r.width} MHz`),
          ),
          svg('text', { class: 'channel', x: off.x, y: off.y + 4 }, String(r.channel)),
        );
        const band = BAND[r.radio];
        if (inCac) notes.push({ cls: 'cac', text: `${band} CAC ${timeLeft(r.cacUntil, t)}` });
        if (r.watch)
          notes.push({ cls: 'watch', text: `${band} watch ${timeLeft(r.watch.until, t) || 'ending'}` });
        if (r.queue.length) notes.push({ cls: 'queue', text: `${band} queue ${r.queue.length}` });
        const closed = r.closures.filter((c) => c.until > t);
        if (closed.length) {
          const last = Math.max(...closed.map((c) => c.until));
          notes.push({ cls: 'closed', text: `${band} ${closedRange(closed)} closed ${timeLeft(last, t)}` });
        }
      }
      g.append(svg('text', { class: 'ap-name', y: 50 }, ap.apId));
      notes.forEach((n, i) => g.append(svg('text', { class: `note ${n.cls}`, y: 64 + i * 13 }, n.text)));
      root.append(g);
    }
  }

  /** 52, 56, 60, 64, 100, 104 → "52–64, 100–104": runs of adjacent 20 MHz channels. */
  function closedRange(closed) {
    const channels = [...new Set(closed.map((c) => c.channel))].sort((a, b) => a - b);
    const runs = [];
    for (const c of channels) {
      const run = runs[runs.length - 1];
      if (run && c - run[1] === 4) run[1] = c;
      else runs.push([c, c]);
    }
    return runs.map(([a, b]) => (a === b ? String(a) : `${a}–${b}`)).join(', ');
  }

  /** Closures grouped by their end: "52–64 (29 min 5 s), 100–112 (12 min 2 s)". */
  function closuresText(closures, t) {
    const byEnd = new Map();
    for (const c of closures.filter((c) => c.until > t)) {
      const left = timeLeft(c.until, t);
      byEnd.set(left, [...(byEnd.get(left) || []), c]);
    }
    return [...byEnd].map(([left, cs]) => `${closedRange(cs)} (${left})`).join(', ');
  }

  function drawRadios() {
    const floor = state.floor;
    const body = table('radios', [
      'AP',
      'status',
      'radio',
      'channel',
      'clients',
      'turn',
      'watch',
      'CAC',
      'queue',
      'closed (time left)',
    ]);
    if (!floor) return;
    const t = now();
    for (const ap of floor.aps)
      for (const r of ap.radios) {
        const swatch = el('span', { class: 'swatch' });
        swatch.style.background = channelColour(r.radio, r.channel);
        body.append(
          el(
            'tr',
            { 'data-ap': ap.apId, 'data-radio': r.radio },
            el('td', {}, ap.apId),
            el('td', {}, ap.status),
            el('td', {}, BAND[r.radio]),
            el('td', {}, swatch, `${r.channel}/${r.width}`),
            el('td', { class: 'num' }, String(r.clientCount)),
            el('td', {}, r.holder ? eventLink(eventWorkflowId(r.holder.eventId), r.holder.type) : ''),
            el(
              'td',
              {},
              r.watch
                ? eventLink(eventWorkflowId(r.watch.eventId), `${r.watch.type} ${timeLeft(r.watch.until, t)}`)
                : '',
            ),
            el('td', {}, r.cacUntil ? timeLeft(r.cacUntil, t) : ''),
            el('td', { class: 'wrap', title: r.queue.join('\n') }, r.queue.map(shortId).join(', ')),
            el('td', { class: 'wrap' }, closuresText(r.closures, t)),
          ),
        );
      }
  }

  // --- events, occupancy, bursts ------------------------------------------------------------------
  function drawFeed() {
    const body = table('feed', [
      'started',
      'event',
      'type',
      'severity',
      'AP',
      'outcome (or stage)',
      'to decision',
    ]);
    for (const e of state.events || []) {
      body.append(
        el(
          'tr',
          {
            'data-event-id': e.eventId,
            class: e.outcome ? `outcome-${e.outcome.toLowerCase()}` : 'undecided',
          },
          el('td', {}, clock(e.startedAt)),
          el('td', { title: e.eventId }, eventLink(e.workflowId, shortId(e.eventId))),
          el('td', {}, e.type || ''),
          el('td', {}, e.severity || ''),
          el('td', {}, e.apId || ''),
          el('td', { class: 'outcome' }, e.outcome || `${e.stage || ''}…`),
          el('td', { class: 'num' }, e.secondsToDecision === null ? '' : `${e.secondsToDecision} s`),
        ),
      );
    }
  }

  function drawOccupancy() {
    const root = byId('occupancy');
    clear(root);
    if (!state.floor) return;
    const bars = occupancy(state.floor.aps);
    const max = Math.max(1, ...bars.map((b) => b.count));
    const [barW, gap, top, plot] = [26, 6, 14, 110];
    const width = Math.max(200, bars.length * (barW + gap) + 40);
    root.setAttribute('viewBox', `0 0 ${width} ${top + plot + 34}`);
    let band = null;
    bars.forEach((b, i) => {
      const x = 20 + i * (barW + gap);
      const h = (b.count / max) * plot;
      if (b.radio !== band) {
        band = b.radio;
        root.append(svg('text', { class: 'band', x, y: top + plot + 32 }, BAND[b.radio]));
      }
      root.append(
        svg(
          'rect',
          {
            class: 'bar',
            x,
            y: top + plot - h,
            width: barW,
            height: h,
            fill: channelColour(b.radio, b.channel),
            'data-radio': b.radio,
            'data-channel': b.channel,
            'data-count': b.count,
          },
          svg('title', {}, `${BAND[b.radio]} channel ${b.channel}: ${b.count} radio(s)`),
        ),
        svg('text', { class: 'count', x: x + barW / 2, y: top + plot - h - 3 }, String(b.count)),
        svg('text', { class: 'axis', x: x + barW / 2, y: top + plot + 14 }, String(b.channel)),
      );
    });
  }

  function drawBursts() {
    const b = state.bursts;
    byId('bursts-note').textContent = !b
      ? ''
      : b.running
        ? `${b.pending.length} move(s) waiting for their burst to go quiet, ${b.reservations.length} channel reservation(s)`
        : 'no burstReplan workflow running';
    const body = table('bursts', ['planned', 'APs', 'co-channel pairs', 'moves']);
    for (const p of [...((b && b.planned) || [])].reverse()) {
      const moves = el('td', { class: 'wrap' });
      p.moves.forEach((m, i) => {
        if (i) moves.append(', ');
        moves.append(eventLink(eventWorkflowId(m.eventId), `${m.apId} → ${m.to.channel}/${m.to.width}`));
        moves.append(gainNote(m.gain));
      });
      body.append(
        el(
          'tr',
          { 'data-burst': p.burstId },
          el('td', {}, new Date(p.plannedAt).toLocaleTimeString()),
          el('td', {}, p.apIds.join(', ')),
          el('td', { class: 'pairs' }, `${p.coChannelPairs.before} → ${p.coChannelPairs.after}`),
          moves,
        ),
      );
    }
  }

  /** What a re-plan move gains its radio (domain/joint-plan.ts, JointMoveGain); older plans name none. */
  function gainNote(gain) {
    if (!gain) return '';
    if (gain.kind === 'co-channel-pairs') return ` (pairs ${gain.before} → ${gain.after})`;
    const pct = (share) => `${Math.round(share * 100)} %`;
    return ` (non-Wi-Fi ${pct(gain.before)} → ${pct(gain.after)})`;
  }

  function drawAll() {
    drawFloor();
    drawRadios();
    drawFeed();
    drawOccupancy();
    drawBursts();
    if (state.floor) byId('collected').textContent = `floor at ${clock(state.floor.collectedAt)}`;
  }

  // --- polling ----------------------------------------------------------------------------------
  /** Calls `path` every `seconds`, one call at a time; keeps the last answer when one fails. */
  function poll(name, path, seconds, take) {
    const run = async () => {
      try {
        take(await ingest.get(path));
        state.problems[name] = '';
      } catch (err) {
        state.problems[name] = err.message;
      }
      showProblems();
      drawAll();
      setTimeout(run, seconds * 1000);
    };
    return run();
  }

  async function start() {
    frame();
    state.settings = await ingest.get('/ui/settings.json');
    const { pollSeconds, feedEvents } = state.settings;
    void poll('floor', '/v1/floor', pollSeconds, (floor) => {
      state.skewMs = Date.parse(floor.collectedAt) - Date.now();
      state.floor = floor;
    });
    void poll(
      'events',
      `/v1/events?limit=${feedEvents}`,
      pollSeconds,
      (answer) => (state.events = answer.events),
    );
    void poll('bursts', '/v1/bursts', pollSeconds * 2, (bursts) => (state.bursts = bursts));
    // Time left ticks between polls.
    setInterval(() => {
      drawFloor();
      drawRadios();
    }, 1000);
  }

  start().catch((err) => {
    state.problems.start = err.message;
    showProblems();
  });
})();
