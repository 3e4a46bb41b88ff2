// How an example becomes model input: the rendered image, the prompt ids
// `<bos> [<facts> facts…] question <sep>`, and the response ids ending in `<eos>`.

import type { Scene } from '../world/scene';
import { renderScene, imageToFloat32, type Perception } from '../world/render';
import { BOS, encode, EOS, FACTS, SEP } from '../language/vocab';

/** Returns the prompt ids for a question, with the facts caption in front when given. */
export function promptIds(question: string, facts?: readonly string[]): number[] {
  const head = facts && facts.length > 0 ? [FACTS, ...encode(facts.join(' '))] : [];
  return [BOS, ...head, ...encode(question), SEP];
}

/** Returns the response ids, ending in <eos>. */
export function responseIds(response: string): number[] {
  return [...encode(response), EOS];
}

/** Returns the image of a scene as model input (Float32 [48*48*3] in [0, 1]). */
export function sceneImage(scene: Scene, perception?: Partial<Perception>, noiseSeed?: number): Float32Array {
  return imageToFloat32(renderScene(scene, perception, noiseSeed === undefined ? undefined : { noiseSeed }));
}
