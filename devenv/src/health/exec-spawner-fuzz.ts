/**
 * Words for fuzzing the warm spawner's protocol (its tests): characters a shell or a line
 * protocol would read as syntax, and some that are just wide. Deterministic (mulberry32): a
 * failing case is replayed from its seed. Pure.
 */

const AWKWARD = [...' \t\n\r\'"`$\\;&|<>(){}[]*?!#~=%^,.:-_/', 'é', '漢', '🙂', 'a', '0'];

/** Numbers in [0, 1) from a seed. */
export function random(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A word of 0 to 11 awkward characters. */
export function awkwardWord(next: () => number): string {
  const length = Math.floor(next() * 12);
  return Array.from({ length }, () => AWKWARD[Math.floor(next() * AWKWARD.length)]).join('');
}
