// The perception knobs as command-line flags (--noise, --blur, --resolution, --small): how the
// images of sampled pairs and probes are rendered, so a run can ask what facts are worth when the
// pixels are worse.

import { UsageError, type FlagSpec, type Flags } from './args';
import { DEFAULT_PERCEPTION, PERCEPTION_RANGES, type Perception } from '../engine/world/render';

const within = (k: keyof Perception) => PERCEPTION_RANGES[k].what.replace(/^an? /, '');

/** Flag name → perception field. */
const FIELDS = { noise: 'noise', blur: 'blur', resolution: 'resolution', small: 'smallScale' } as const satisfies Record<string, keyof Perception>;

export const PERCEPTION_FLAGS: Record<keyof typeof FIELDS, FlagSpec> = {
  noise: { type: 'number', help: `image pixel noise, standard deviation in 0-255 units (${within('noise')})`, default: DEFAULT_PERCEPTION.noise },
  blur: { type: 'number', help: `image blur radius in pixels (${within('blur')})`, default: DEFAULT_PERCEPTION.blur },
  resolution: { type: 'number', help: `side in pixels the scene is drawn at before scaling to 48 (${within('resolution')})`, default: DEFAULT_PERCEPTION.resolution },
  small: { type: 'number', help: `side of a small object as a share of its cell (${within('smallScale')})`, default: DEFAULT_PERCEPTION.smallScale },
};

/** Reads the perception flags; throws a UsageError naming the first bad one and what it must be. */
export function perceptionFromFlags(flags: Flags, command: string): Perception {
  const p = { ...DEFAULT_PERCEPTION };
  for (const [flag, field] of Object.entries(FIELDS) as [keyof typeof FIELDS, keyof Perception][]) {
    const v = Number(flags[flag]);
    if (!PERCEPTION_RANGES[field].ok(v)) throw new UsageError(`${command}: --${flag} must be ${PERCEPTION_RANGES[field].what}, got ${String(flags[flag])}`);
    p[field] = v;
  }
  return p;
}

/** The perception in the flags' words, for log lines: "noise 18, blur 1, resolution 48, small 0.42". */
export function describePerception(p: Perception): string {
  return (Object.keys(FIELDS) as (keyof typeof FIELDS)[]).map((f) => `${f} ${p[FIELDS[f]]}`).join(', ');
}
