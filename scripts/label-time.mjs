// `npm run bench:label-time [-- --n N --backend B --no-build]`: the page's own latency for a
// scripted person, keys only, in headless Chromium on the built page (vite preview, a fresh
// profile): the time per labelled pair (1, then Enter: N pairs) and the time per marked answer (a
// digit for each sentence the judge finds false, the true sentence typed under one marked sentence
// in two, Enter to save, Enter to move on: N answers), each from an item on show to the next one
// on show, and their ratio. The scripted person knows the truth at once (the careful simulated
// marker's reading of the scene, computed here), so this is the page's latency, not a person's
// reading time. Run with tsx (the npm script does) so the marker's code can be imported.
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { openBuiltPage } from './page-session.mjs';

const { markSentences } = await import('../src/engine/prefs/marker.ts');
const { MARKER_PRESETS } = await import('../src/engine/prefs/marker-settings.ts');
const { Rng } = await import('../src/engine/world/rng.ts');

const { values: flags } = parseArgs({ options: { n: { type: 'string', default: '20' }, backend: { type: 'string', default: 'wasm' }, 'no-build': { type: 'boolean' } } });
const N = Number(flags.n);
if (!Number.isInteger(N) || N < 1) throw new Error(`--n must be a whole number of at least 1; got ${flags.n}`);
const SLOW = { timeout: 600_000 };
const log = (s) => console.error(s);

const session = await openBuiltPage({ build: !flags['no-build'] });
const { page, base } = session;
const testid = (id) => page.getByTestId(id);
/** Runs `fn` in the page with its `document` (a string of code, as the page's globals are not this script's). */
const inPage = (code, arg) => page.evaluate(`(${code})(${JSON.stringify(arg ?? null)})`);
const attr = (id, name) => inPage(`([id, name]) => globalThis.document.querySelector('[data-testid="' + id + '"]')?.getAttribute(name) ?? null`, [id, name]);
const waitFor = (code, arg) => page.waitForFunction(`(${code})(${JSON.stringify(arg ?? null)})`, null, SLOW);
const blur = () => inPage(`() => globalThis.document.activeElement?.blur?.()`);
const mean = (xs) => xs.reduce((a, x) => a + x, 0) / xs.length;

/** A pair on show, not yet labelled, whose number is not `after`; returns its number. */
async function pairReady(after) {
  await waitFor(`(after) => { const p = globalThis.document.querySelector('[data-testid="pair"]'); const a = globalThis.document.querySelector('[data-testid="choice-A"]');
    return p && p.getAttribute('data-revealed') === 'false' && p.getAttribute('data-pair') !== after && a && !a.disabled; }`, after);
  return attr('pair', 'data-pair');
}

/** An answer on show, not yet marked, whose number is not `after`; returns its number. */
async function answerReady(after) {
  await waitFor(`(after) => { const p = globalThis.document.querySelector('[data-testid="mark-answer"]'); const s = globalThis.document.querySelector('[data-testid="mark-save"]');
    return p && p.getAttribute('data-revealed') === 'false' && p.getAttribute('data-answer') !== after && s && !s.disabled; }`, after);
  return attr('mark-answer', 'data-answer');
}

try {
  await page.goto(`${base}?backend=${flags.backend}#/label`);
  await testid('gate-load-sft').waitFor({ state: 'visible', ...SLOW });
  await waitFor(`() => { const b = globalThis.document.querySelector('[data-testid="gate-load-sft"]'); return b && !b.disabled; }`);
  await testid('gate-load-sft').click();
  await waitFor(`() => globalThis.document.querySelector('[data-testid="policy-gate"]')?.getAttribute('data-loaded') === 'true'`);
  const backend = await inPage(`() => globalThis.rlhfPlayground.session.engine.backend`);

  // Pairs: 1, the verdict, Enter; from a pair on show to the next one on show.
  let no = await pairReady(null);
  const pairMs = [];
  for (let i = 0; i < N; i++) {
    const t = performance.now();
    await blur();
    await page.keyboard.press('1');
    await waitFor(`() => globalThis.document.querySelector('[data-testid="verdict"]') !== null`);
    await page.keyboard.press('Enter');
    no = await pairReady(no);
    pairMs.push(performance.now() - t);
  }
  log(`${N} pairs labelled`);

  // Marks: the careful marker's reading of the answer on show says which sentences are false and the true one.
  await testid('label-mode-mark').click();
  await blur();
  no = await answerReady(null);
  const markMs = [];
  let marked = 0;
  let typed = 0;
  let corrections = 0;
  for (let i = 0; i < N; i++) {
    const a = await inPage(`() => { const q = globalThis.rlhfPlayground.session.label.marking.current.answer; return { scene: q.scene, question: q.question, answer: q.answer }; }`);
    const truth = markSentences(MARKER_PRESETS.careful, a.scene, a.question, a.answer, new Rng(1));
    const t = performance.now();
    await blur();
    for (const [j, s] of truth.entries()) {
      if (!s.false || j >= 9) continue;
      await page.keyboard.press(String(j + 1));
      // The true sentence under one marked sentence in two (where the scene gives one).
      if (marked++ % 2 === 1 && s.correction !== undefined) {
        await page.keyboard.press('c');
        await page.keyboard.type(s.correction);
        await page.keyboard.press('Escape');
        typed += s.correction.length;
        corrections++;
      }
    }
    await page.keyboard.press('Enter');
    await waitFor(`() => globalThis.document.querySelector('[data-testid="mark-verdict"]') !== null`);
    await page.keyboard.press('Enter');
    no = await answerReady(no);
    markMs.push(performance.now() - t);
  }
  const stored = Number(await attr('marks-answers', 'data-value'));
  if (stored !== N) throw new Error(`expected ${N} marks stored; the page counts ${stored}`);

  const pair = mean(pairMs);
  const mark = mean(markMs);
  console.log(`label-time on ${backend} (headless Chromium, the built page), ${N} items each:`);
  console.log(`  per labelled pair:   ${pair.toFixed(0)} ms  (press 1, verdict, Enter, next pair on show)`);
  console.log(`  per marked answer:   ${mark.toFixed(0)} ms  (${marked} sentences marked false, ${corrections} corrections typed, ${typed} characters; Enter to save, Enter to move on)`);
  console.log(`  ratio mark / pair:   ${(mark / pair).toFixed(2)}`);
  console.log('  This is the page\'s own latency for a scripted person who knows the answers at once and types instantly (each key sent through the DevTools protocol; sampling waits included), not a person\'s reading or thinking time.');
  console.log(JSON.stringify({ backend, n: N, pairMs: Math.round(pair), markMs: Math.round(mark), ratio: Number((mark / pair).toFixed(3)), sentencesMarked: marked, corrections, charactersTyped: typed }));
} finally {
  await session.close();
}
