// `npm run perf:webgpu [-- --model default|tiny --repeats N --json]`: `perf ppo` and
// `perf model` on WASM and on WebGPU in Node, side by side. WebGPU in Node comes from the `webgpu`
// package (Dawn), which the project does not install: `npm install --no-save webgpu` first. With no
// GPU, Dawn can run on SwiftShader (correct, and far slower than WASM) by naming its Vulkan driver:
//   VK_ICD_FILENAMES=/usr/lib/chromium/vk_swiftshader_icd.json npm run perf:webgpu
// Each figure comes from its own `npm run cli -- perf … --backend … --json`, run one after another.
import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const { values } = parseArgs({ options: { model: { type: 'string', default: 'default' }, repeats: { type: 'string', default: '3' }, json: { type: 'boolean', default: false } } });

try {
  createRequire(join(root, 'package.json')).resolve('webgpu');
} catch {
  console.error([
    'perf-webgpu: the `webgpu` package (Dawn for Node) is not installed, so Node has no navigator.gpu.',
    'Install it without adding it to package.json, then run this again:',
    '  npm install --no-save webgpu',
    '  npm run perf:webgpu',
    'With no GPU, Dawn can run on SwiftShader (correctness only, far slower than WASM):',
    '  VK_ICD_FILENAMES=/usr/lib/chromium/vk_swiftshader_icd.json npm run perf:webgpu',
  ].join('\n'));
  process.exit(2);
}

/** Runs one `perf` command on a backend and returns its JSON figures (the command is ended once it has printed them). */
function perf(what, backend) {
  const args = ['--import', 'tsx', ...(backend === 'webgpu' ? ['--import', './scripts/webgpu-navigator.mjs'] : []),
    'src/cli/main.ts', 'perf', what, '--backend', backend, '--model', values.model, '--repeats', values.repeats, '--json'];
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    let figures;
    child.stderr.on('data', (d) => (err += d));
    child.stdout.on('data', (d) => {
      out += d;
      const line = out.trim().split('\n').at(-1);
      try {
        figures ??= JSON.parse(line);
        // Dawn holds the event loop open: the figures are in, so end the command.
        setTimeout(() => child.kill('SIGTERM'), 1000).unref();
      } catch { /* not a whole line yet */ }
    });
    child.on('close', (code) => {
      if (figures) resolve({ ...figures, notes: err.trim() });
      else reject(new Error(`perf ${what} --backend ${backend} exited ${code} without figures:\n${err.trim()}`));
    });
  });
}

const results = {};
for (const backend of ['wasm', 'webgpu']) {
  results[backend] = { ppo: await perf('ppo', backend), model: await perf('model', backend) };
  if (results[backend].ppo.backend !== backend) console.error(`perf-webgpu: ${backend} did not start; its figures are ${results[backend].ppo.backend}'s (${results[backend].ppo.notes})`);
}
if (values.json) {
  console.log(JSON.stringify(results));
} else {
  const w = results.wasm;
  const g = results.webgpu;
  const row = (label, a, b, digits = 0) => console.log(`${label.padEnd(34)} ${a.toFixed(digits).padStart(10)} ${b.toFixed(digits).padStart(10)}`);
  console.log(`model ${values.model}; median of ${values.repeats} PPO steps, mean of ${values.repeats} repeats for the model figures`);
  console.log(`${''.padEnd(34)} ${w.ppo.backend.padStart(10)} ${g.ppo.backend.padStart(10)}`);
  row('PPO step, ms', w.ppo.msPerStep, g.ppo.msPerStep);
  for (const k of ['rollout', 'forward', 'rewards', 'advantages', 'update']) row(`  ${k}, ms`, w.ppo.phases[k], g.ppo.phases[k], k === 'advantages' ? 1 : 0);
  row('sampling with KV cache, tokens/s', w.model.tokensPerSecCached, g.model.tokensPerSecCached);
  row('forward, ms', w.model.forwardMs, g.model.forwardMs);
  row('forward + backward, ms', w.model.forwardBackwardMs, g.model.forwardBackwardMs);
  row('SFT steps/s', w.model.sftStepsPerSec, g.model.sftStepsPerSec, 2);
}
