// The floor page's pure parts (docs/operator-surfaces.md, "The floor page"): where each AP is drawn,
// the colour of a channel, time left as text, the Web UI address of an event. No DOM: the unit tests
// load this file as it is (test/unit/floor-page.test.ts); the page gets it as `window.rrmLayout`.
(function (root, factory) {
  'use strict';
  if (typeof module === 'object' && module.exports) module.exports = factory();
  else root.rrmLayout = factory();
})(typeof self !== 'undefined' ? self : this, function () {
  'use strict';

  /** The 5 GHz channels in band order: each gets a hue of its own, spread by the golden angle. */
  const CHANNELS_5G = [
    36, 40, 44, 48, 52, 56, 60, 64, 100, 104, 108, 112, 116, 120, 124, 128, 132, 136, 140, 144, 149, 153, 157,
    161, 165, 169, 173, 177,
  ];

  /**
   * The colour of a radio's channel: one hue per channel, the 2.4 GHz band in blues to purples, the
   * 5 and 6 GHz bands around the wheel. Red is left to the co-channel edges.
   */
  function channelColour(radio, channel) {
    let hue;
    let lightness = radio === '6g' ? 62 : 48;
    if (radio === '2g') hue = 190 + (((channel - 1) * 9) % 110);
    else {
      // Around the wheel by the golden ratio, clear of red (the co-channel edges): 20°–340°; three
      // lightnesses in turn set apart the channels whose hues come close.
      const i = CHANNELS_5G.indexOf(channel);
      const n = i < 0 ? channel : i;
      hue = 20 + ((n * 320 * 0.618034) % 320);
      lightness = [42, 54, 34][n % 3];
    }
    return `hsl(${Math.round(hue)}, 70%, ${lightness}%)`;
  }

  /**
   * Where each AP goes in a `width` × `height` box (with `pad` around): by the controller's
   * coordinates when every AP has them, else on a circle in the order a breadth-first walk of the
   * neighbour graph meets them (neighbours side by side), pulled together by a few rounds of a
   * spring layout. Deterministic: the same floor always draws the same.
   * `aps`: [{ apId, position: {x, y} | null, neighbors: [apId] }] → { byId: {apId: {x, y}}, placedBy }
   */
  function placeAps(aps, width, height, pad) {
    if (aps.length === 0) return { byId: {}, placedBy: 'none' };
    const known = aps.every(
      (ap) => ap.position && Number.isFinite(ap.position.x) && Number.isFinite(ap.position.y),
    );
    const raw = known ? aps.map((ap) => ({ x: ap.position.x, y: ap.position.y })) : graphLayout(aps);
    const xs = raw.map((p) => p.x);
    const ys = raw.map((p) => p.y);
    const [minX, maxX, minY, maxY] = [Math.min(...xs), Math.max(...xs), Math.min(...ys), Math.max(...ys)];
    const spanX = maxX - minX || 1;
    const spanY = maxY - minY || 1;
    // One scale for both axes: a floor plan keeps its proportions.
    const scale = Math.min((width - 2 * pad) / spanX, (height - 2 * pad) / spanY);
    const offX = (width - spanX * scale) / 2;
    const offY = (height - spanY * scale) / 2;
    const byId = {};
    aps.forEach((ap, i) => {
      byId[ap.apId] = {
        x: Math.round((aps.length === 1 ? width / 2 : offX + (raw[i].x - minX) * scale) * 10) / 10,
        y: Math.round((aps.length === 1 ? height / 2 : offY + (raw[i].y - minY) * scale) * 10) / 10,
      };
    });
    return { byId, placedBy: known ? 'coordinates' : 'neighbour graph' };
  }

  /** Circle in breadth-first order, then spring rounds: neighbours attract, everyone repels. */
  function graphLayout(aps) {
    const ids = aps.map((ap) => ap.apId);
    const index = new Map(ids.map((id, i) => [id, i]));
    const links = new Map(ids.map((id) => [id, new Set()]));
    for (const ap of aps)
      for (const n of ap.neighbors || [])
        if (index.has(n) && n !== ap.apId) {
          links.get(ap.apId).add(n);
          links.get(n).add(ap.apId);
        }
    const order = [];
    const seen = new Set();
    for (const start of [...ids].sort()) {
      if (seen.has(start)) continue;
      const queue = [start];
      seen.add(start);
      while (queue.length) {
        const id = queue.shift();
        order.push(id);
        for (const n of [...links.get(id)].sort())
          if (!seen.has(n)) {
            seen.add(n);
            queue.push(n);
          }
      }
    }
    const pos = new Array(ids.length);
    order.forEach((id, k) => {
      const angle = (2 * Math.PI * k) / order.length;
      pos[index.get(id)] = { x: Math.cos(angle), y: Math.sin(angle) };
    });
    const rest = 2 / Math.sqrt(ids.length);
    for (let round = 0; round < 120; round++) {
      const step = 0.05 * (1 - round / 120);
      const move = pos.map(() => ({ x: 0, y: 0 }));
      for (let i = 0; i < ids.length; i++)
        for (let j = i + 1; j < ids.length; j++) {
          const dx = pos[j].x - pos[i].x;
          const dy = pos[j].y - pos[i].y;
          const d = Math.max(Math.hypot(dx, dy), 0.01);
          const linked = links.get(ids[i]).has(ids[j]);
          // Springs to the rest length between neighbours; a push apart between everyone.
          const f = (linked ? (d - rest) / rest : 0) - (rest * rest) / (d * d) / 4;
          move[i].x += (f * dx) / d;
          move[i].y += (f * dy) / d;
          move[j].x -= (f * dx) / d;
          move[j].y -= (f * dy) / d;
        }
      pos.forEach((p, i) => {
        p.x += Math.max(-1, Math.min(1, move[i].x)) * step;
        p.y += Math.max(-1, Math.min(1, move[i].y)) * step;
      });
    }
    return pos;
  }

  /** Seconds left until `until` (epoch ms) at `now`, as "42 s" or "29 min 5 s"; "" once past. */
  function timeLeft(until, now) {
    const s = Math.ceil((until - now) / 1000);
    if (!(s > 0)) return '';
    if (s < 120) return `${s} s`;
    return `${Math.floor(s / 60)} min ${s % 60} s`;
  }

  /** The Temporal Web UI page of a workflow: <base>/namespaces/<ns>/workflows/<workflowId>. */
  function workflowUrl(webUi, namespace, workflowId) {
    const segment = (s) => encodeURIComponent(s).replace(/%3A/gi, ':');
    return `${webUi.replace(/\/+$/, '')}/namespaces/${segment(namespace)}/workflows/${segment(workflowId)}`;
  }

  /** Radios per channel, per band: [{ radio, channel, count }] in band and channel order. */
  function occupancy(aps) {
    const counts = new Map();
    for (const ap of aps)
      for (const r of ap.radios) {
        const key = `${r.radio}/${r.channel}`;
        counts.set(key, (counts.get(key) || 0) + 1);
      }
    const bandOrder = { '2g': 0, '5g': 1, '6g': 2 };
    return [...counts]
      .map(([key, count]) => {
        const [radio, channel] = key.split('/');
        return { radio, channel: Number(channel), count };
      })
      .sort((a, b) => bandOrder[a.radio] - bandOrder[b.radio] || a.channel - b.channel);
  }

  return { channelColour, placeAps, timeLeft, workflowUrl, occupancy };
});
