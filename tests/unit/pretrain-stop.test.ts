// A pretrain job stopped through its control (the page's Stop, the command line's Ctrl-C) during
// vision pretraining: the encoder keeps the steps it took, the grounding stage, SFT and the
// benchmarks are skipped, and the policy it returns is whole.
import { describe, expect, it } from 'vitest';
import { JobControl } from '../../src/engine/train/job';
import { runPretrainJob, type PretrainPoint } from '../../src/engine/sft/pretrain';

describe('runPretrainJob stopped during vision pretraining', () => {
  it('takes no step after the stop, skips the later phases and the benchmarks, and returns the policy', async () => {
    const control = new JobControl();
    const points: PretrainPoint[] = [];
    const res = await runPretrainJob({ recipe: 'tiny', seed: 1, bench: true, visionSteps: 6, groundingSteps: 4, sftSteps: 4 }, {
      control,
      onPoint: (p) => {
        points.push(p);
        if (p.phase === 'vision' && p.step === 2) control.stop();
      },
    });
    try {
      expect(points.map((p) => `${p.phase} ${p.step}`)).toEqual(['vision 1', 'vision 2']);
      expect(res.bench).toBeUndefined();
      expect(res.metadata).toMatchObject({ sftSteps: 0 });
      expect(res.metadata).not.toHaveProperty('groundingHeldOutLoss');
      expect(res.model.vision.frozen).toBe(true);
    } finally {
      res.model.dispose();
    }
  });
});
