/**
 * The fault server's seeded pseudo-random source (mulberry32): one seed replays one fault run.
 * Kept inside the WebSocket server folder so it does not depend on the HTTP server's files.
 *
 * @internal
 */
export function createWsRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}
