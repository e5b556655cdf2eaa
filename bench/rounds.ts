/**
 * Receivers are measured in alternating rounds (baseline, engine, baseline, engine, …) and each
 * keeps its median round: on a machine whose other work comes and goes, a single run of each
 * says more about the moment than about the code, and alternating spreads the moments evenly.
 */
export const ROUNDS = 3;

/** The round with the median `rate` (the lower middle one for an even count). */
export function medianRound<T>(rounds: T[], rate: (round: T) => number): T {
  if (rounds.length === 0) throw new Error('No rounds were measured.');
  const sorted = [...rounds].sort((a, b) => rate(a) - rate(b));
  return sorted[Math.floor((sorted.length - 1) / 2)]!;
}

/** Run each measurement once per round, in order, and keep every result. */
export async function alternate<K extends string, T>(runs: Record<K, () => Promise<T>>, rounds = ROUNDS): Promise<Record<K, T[]>> {
  const keys = Object.keys(runs) as K[];
  const results = Object.fromEntries(keys.map((k) => [k, [] as T[]])) as Record<K, T[]>;
  for (let i = 0; i < rounds; i++) for (const key of keys) results[key].push(await runs[key]());
  return results;
}
