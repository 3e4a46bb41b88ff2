// What the Evaluate stage's best-of-n and DPO cards say about themselves: their knobs and charts,
// as data for the tooltips and captions (the knobs' own are in the engine's best-of-n and DPO tables).

export const BON_TOOLTIPS = {
  card: 'Best-of-n needs no training: it samples n answers and keeps the one the reward model scores highest. Every row is read off one pool of answers per prompt (the expected result over every n-subset of it, as Gao et al. estimate it), so the rows are smooth even on 96 prompts.',
  chart:
    'Gold (the judge’s 0–6 score, left axis, dots) and the proxy (the RM’s normalised score, right axis, dashed) of the kept answer against √KL from the policy, one curve per reward model; the solid line is Gao et al.’s best-of-n form d(α − βd) fitted to the gold, the star the measured gold peak. The PPO stage’s run, when it has gold points, is drawn in green with the RL form d(α − β log d) (its gold on its own probes, so its level may differ).',
} as const;

export const DPO_CHART_INFO = {
  card: 'Direct Preference Optimisation (Rafailov et al. 2023) learns from the preference labels directly: no reward model, no sampling. The loaded policy is the frozen reference; a copy of it is pushed to make each chosen answer more likely than the rejected one, relative to the reference, by the implicit reward β·log(π/π_ref). At the end the tuned copy becomes the loaded policy, to benchmark beside the others.',
  loss: 'The DPO loss −log σ(β·Δ) on each minibatch (log 2 ≈ 0.693 at the start, where the policy is the reference) and on the held-out pairs.',
  accuracy: 'Share of pairs whose chosen answer has the higher implicit reward β·log(π/π_ref): on each minibatch, before its update, and on the held-out pairs (split by prompt as the reward model splits them).',
  gold: 'The truth: the judge on greedy answers to the probes PPO measures, at the start, every few steps and at the end; score 0–6 (left) and the share of answers with a false claim (right).',
} as const;
