// What a reward model reads: [facts, Fact-RM only] [question] <sep> [image] [response], the
// facts' sentences in a shuffled order (as the paper shuffles captions), and its score at the
// last real token. Both answers of a pair share the prompt: same image, same facts order.

import { Rng, subSeed } from '../world/rng';
import type { Perception } from '../world/render';
import { factSentences } from '../world/facts';
import type { Scene } from '../world/scene';
import type { TextExample } from '../data/batches';
import { promptIds, responseIds, sceneImage } from '../data/encode';
import { computeScores } from '../model/logprobs';
import { disposeBatch, packBatch, type PackedBatch } from '../model/batch';
import type { VlmModel } from '../model/model';

/** One answer to score, with the prompt it answers. */
export interface ScoreItem {
  scene: Scene;
  image: { perception: Perception; noiseSeed: number };
  question: string;
  response: string;
}

const FACTS_STREAM = 0xfac7;

/** The scene's fact sentences in an order drawn from `rng` (advanced). */
export function shuffledFacts(scene: Scene, rng: Rng): string[] {
  return rng.shuffle(factSentences(scene));
}

/** The fixed facts order of a prompt when scoring: seeded by its pixel-noise seed. */
export function evalFacts(item: Pick<ScoreItem, 'scene' | 'image'>): string[] {
  return shuffledFacts(item.scene, new Rng(subSeed(item.image.noiseSeed, FACTS_STREAM)));
}

/** The model's text example for an item: facts in front for a Fact-RM (in `facts` order when given). */
export function rewardExample(item: ScoreItem, fact: boolean, facts?: readonly string[]): TextExample {
  const ex: TextExample = { scene: item.scene, question: item.question, response: item.response };
  if (fact) ex.facts = facts ?? evalFacts(item);
  return ex;
}

/**
 * Packs items into one batch (free with disposeBatch). Each item's image is rendered with its own
 * perception and noise seed, or with `noiseSeeds[i]` when given (fresh noise while training);
 * facts in `facts[i]` order when given. Same layout as train/batches.ts packExamples.
 */
export function packScoreItems(rm: VlmModel, items: readonly ScoreItem[], fact: boolean, facts?: readonly (readonly string[])[], noiseSeeds?: readonly number[]): PackedBatch {
  const examples = items.map((it, i) => rewardExample(it, fact, facts?.[i]));
  return packBatch(
    rm.config,
    items.map((it, i) => sceneImage(it.scene, it.image.perception, noiseSeeds?.[i] ?? it.image.noiseSeed)),
    examples.map((e) => promptIds(e.question, e.facts)),
    examples.map((e) => responseIds(e.response)),
  );
}

/** Reads the reward model's score of every item, in batches; returns Float32Array [N]. */
export async function scoreItems(rm: VlmModel, items: readonly ScoreItem[], fact: boolean, batchSize = 64): Promise<Float32Array> {
  const out = new Float32Array(items.length);
  for (let start = 0; start < items.length; start += batchSize) {
    const batch = packScoreItems(rm, items.slice(start, start + batchSize), fact);
    try {
      out.set(await computeScores(rm, batch), start);
    } finally {
      disposeBatch(batch);
    }
  }
  return out;
}
