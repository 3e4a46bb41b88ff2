// Turns examples (scene, question, optional facts, optional response) into packed model batches,
// rendering each image through the perception knobs with its own noise seed.

import type { Scene } from '../world/scene';
import type { Perception } from '../world/render';
import { packBatch, type PackedBatch } from '../model/batch';
import type { ModelConfig } from '../model/config';
import { promptIds, responseIds, sceneImage } from './encode';

export interface PromptExample {
  scene: Scene;
  question: string;
  /** The facts caption, when the prompt carries it (SFT facts share, the Fact-RM). */
  facts?: readonly string[];
  /**
   * The scene whose picture the model is shown, when it is not the one the text is about: SFT
   * examples that only the facts can answer show an empty or an unrelated picture.
   */
  imageScene?: Scene;
}

export interface TextExample extends PromptExample {
  response: string;
}

/** Renders the images of examples; `noiseSeeds[i]` varies the pixel noise of example i. */
export function renderImages(examples: readonly PromptExample[], perception: Partial<Perception>, noiseSeeds?: readonly number[]): Float32Array[] {
  return examples.map((e, i) => sceneImage(e.imageScene ?? e.scene, perception, noiseSeeds?.[i]));
}

/** Packs examples with responses (for SFT and scoring) into new tensors; free with disposeBatch. */
export function packExamples(cfg: ModelConfig, examples: readonly TextExample[], perception: Partial<Perception>, noiseSeeds?: readonly number[]): PackedBatch {
  return packBatch(
    cfg,
    renderImages(examples, perception, noiseSeeds),
    examples.map((e) => promptIds(e.question, e.facts)),
    examples.map((e) => responseIds(e.response)),
  );
}
