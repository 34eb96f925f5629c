// Small deterministic integer hashes used to derive seeds and per-symbol parameters.

/** FNV-1a over UTF-16 code units; stable across runs and engines, unlike object identity or Map order tricks. */
export function hashString(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/** One splitmix32 output for `x`; used to decorrelate seeds that differ in only a few bits. */
export function mix32(x: number): number {
  let z = (x + 0x9e3779b9) | 0;
  z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
  z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
  z ^= z >>> 16;
  return z >>> 0;
}

/** Seed for an independent random stream named `stream`, so e.g. adding agents never perturbs price paths. */
export function deriveSeed(seed: number, stream: string): number {
  return mix32((seed >>> 0) ^ hashString(stream));
}
