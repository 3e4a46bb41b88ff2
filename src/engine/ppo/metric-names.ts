// PPO metric names from before they followed TRL's, and what they are read as now: a run kept in
// this browser, a run bundle or a metrics.jsonl written earlier reads under today's names.

/** An old name and the name its figures are read under now. */
export const RENAMED_PPO_METRICS: Readonly<Record<string, string>> = {
  // TRL's legacy trainer says "responses".
  'tokens/response_len_mean': 'tokens/responses_len_mean',
  // objective/entropy held the exact entropy until it became TRL's sampled estimate (−log p of the
  // sampled tokens); a row with no objective/entropy_exact is from before, so its figure moves there.
  'objective/entropy': 'objective/entropy_exact',
};

/**
 * The row with every old name replaced by its new one (a new row is returned as it is). Where a
 * row has both an old name and its new one, the new one is kept. Changes nothing it is given.
 */
export function currentMetricNames<R extends Record<string, unknown>>(row: R): R {
  const old = 'objective/entropy_exact' in row ? Object.keys(RENAMED_PPO_METRICS).filter((k) => k !== 'objective/entropy') : Object.keys(RENAMED_PPO_METRICS);
  if (!old.some((k) => k in row)) return row;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(row)) {
    const renamed = old.includes(k) ? (RENAMED_PPO_METRICS[k] as string) : k;
    if (renamed !== k && renamed in row) continue;
    out[renamed] = v;
  }
  return out as R;
}
