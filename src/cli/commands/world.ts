// `world`: a scene for a seed, as the contract JSON with its facts, and optionally its image.

import { writeFileSync } from 'node:fs';
import { COMMON_FLAGS, type CommandSpec, type Flags } from '../args';
import { sampleScene } from '../../engine/world/sampler';
import { factSentences } from '../../engine/world/facts';
import { renderScene, CLEAN_PERCEPTION, DEFAULT_PERCEPTION } from '../../engine/world/render';
import { encodePng } from '../../engine/world/png';
import { objectAt, GRID } from '../../engine/world/scene';

export const spec: CommandSpec = {
  name: 'world',
  summary: 'Print the scene of a seed (the scene JSON of docs/design.md) and its facts; optionally write its image.',
  usage: 'world --seed N [--json] [--png FILE] [--clean] [--scale K]',
  flags: {
    seed: { type: 'number', help: 'scene seed', default: 0, bound: { integer: true, min: 0 } },
    json: { ...COMMON_FLAGS.json, help: 'print {"scene", "facts"} as one JSON object' },
    png: { type: 'string', help: 'write the rendered image to this PNG file' },
    clean: { type: 'boolean', help: 'render without noise or blur (default: the perception defaults)' },
    scale: { type: 'number', help: 'upscale the PNG by this whole factor', default: 1, bound: { integer: true, min: 1, max: 16 } },
  },
};

/** Upscales an image by a whole factor (nearest neighbour), for PNGs a person can look at. */
function upscale(img: { width: number; height: number; data: Uint8ClampedArray }, k: number) {
  const w = img.width * k;
  const h = img.height * k;
  const data = new Uint8ClampedArray(w * h * 3);
  for (let y = 0; y < h; y++)
    for (let x = 0; x < w; x++) {
      const s = (Math.floor(y / k) * img.width + Math.floor(x / k)) * 3;
      data.set(img.data.subarray(s, s + 3), (y * w + x) * 3);
    }
  return { width: w, height: h, data };
}

export async function run(flags: Flags): Promise<number> {
  const seed = Number(flags.seed);
  const scale = Number(flags.scale);
  const scene = sampleScene(seed);
  const facts = factSentences(scene);
  if (typeof flags.png === 'string') {
    const img = renderScene(scene, flags.clean ? CLEAN_PERCEPTION : DEFAULT_PERCEPTION);
    writeFileSync(flags.png, encodePng(scale > 1 ? upscale(img, scale) : img));
  }
  if (flags.json) {
    console.log(JSON.stringify({ scene, facts }));
    return 0;
  }
  console.log(`seed ${seed}: ${scene.background}`);
  for (let r = 0; r < GRID; r++) {
    const cells = [0, 1, 2].map((c) => {
      const o = objectAt(scene, r, c);
      return (o ? `${o.size === 'small' ? 's' : 'L'} ${o.color} ${o.shape}` : '.').padEnd(22);
    });
    console.log(`  ${cells.join('')}`);
  }
  console.log('');
  for (const f of facts) console.log(f);
  if (typeof flags.png === 'string') console.log(`\nwrote ${flags.png}`);
  return 0;
}
