// Seeded randomness: every random choice of the simulator derives from the world's seed, so a
// seed and a call sequence always give the same world and the same figures.

export type Rng = () => number;

/** mulberry32: tiny, fast, good enough for simulation; returns floats in [0, 1). */
export function mulberry32(seed: number): Rng {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** FNV-1a hash of the seed and labels: independent, stable streams per AP, radio or sample. */
export function hashSeed(seed: number, ...labels: Array<string | number>): number {
  let h = 0x811c9dc5 ^ (seed >>> 0);
  for (const ch of labels.join('|')) {
    h ^= ch.charCodeAt(0);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h >>> 0;
}

/** A stream keyed by the seed and labels. */
export function rngFor(seed: number, ...labels: Array<string | number>): Rng {
  return mulberry32(hashSeed(seed, ...labels));
}

/** Integer in [min, max], both inclusive. */
export function intBetween(rng: Rng, min: number, max: number): number {
  return min + Math.floor(rng() * (max - min + 1));
}

/** Float in [-amplitude, amplitude]. */
export function jitter(rng: Rng, amplitude: number): number {
  return (rng() * 2 - 1) * amplitude;
}

/** A stream whose jitter is always 0: noise-free figures for sensing and views that must not
 * advance the metrics' sample sequence. */
export const noNoise: Rng = () => 0.5;
