// The experiment's figures as standalone SVG text (no DOM): for each PPO row, its runs' RM score,
// gold score and response length against the step, one thin line per seed and a thick one for the
// mean, the way the page charts a live run. Written beside table.md so a reader sees the curves.

import type { CurvePoint, TableRow } from './row-results';

interface Panel {
  title: string;
  key: 'rmScore' | 'goldScore' | 'length' | 'kl';
}

const PANELS: readonly Panel[] = [
  { title: 'RM score (normalised)', key: 'rmScore' },
  { title: 'gold score (judge, 0-6)', key: 'goldScore' },
  { title: 'response length (tokens)', key: 'length' },
  { title: 'KL (nats per response)', key: 'kl' },
];

const W = 300;
const H = 190;
const PAD = { left: 44, right: 10, top: 24, bottom: 28 };
const COLOURS = ['#1f77b4', '#d62728', '#2ca02c', '#9467bd', '#ff7f0e', '#8c564b'];

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
const num = (x: number) => (Math.abs(x) >= 100 ? x.toFixed(0) : Math.abs(x) >= 10 ? x.toFixed(1) : x.toFixed(2));

/** Rounded axis limits around the values (a little room either side; a flat series gets ±1). */
function limits(xs: readonly number[]): [number, number] {
  let lo = Math.min(...xs);
  let hi = Math.max(...xs);
  if (!(hi > lo)) [lo, hi] = [lo - 1, hi + 1];
  const pad = (hi - lo) * 0.08;
  return [lo - pad, hi + pad];
}

/** A series' points of one figure (steps without it are skipped). */
function series(curve: readonly CurvePoint[], key: Panel['key']): [number, number][] {
  return curve.flatMap((p): [number, number][] => (p[key] === undefined ? [] : [[p.step, p[key] as number]]));
}

function panel(p: Panel, perSeed: readonly { seed: number; curve: readonly CurvePoint[] }[], mean: readonly CurvePoint[], x0: number, y0: number): string {
  const lines = perSeed.map((s) => series(s.curve, p.key));
  const meanLine = series(mean, p.key);
  const all = [...lines.flat(), ...meanLine];
  const out: string[] = [`<g transform="translate(${x0},${y0})">`, `<text x="${W / 2}" y="14" text-anchor="middle" font-size="12">${esc(p.title)}</text>`];
  if (all.length === 0) return [...out, `<text x="${W / 2}" y="${H / 2}" text-anchor="middle" font-size="11" fill="#888">no data</text>`, '</g>'].join('');
  const [xl, xh] = [Math.min(...all.map((q) => q[0])), Math.max(...all.map((q) => q[0]), 1)];
  const [yl, yh] = limits(all.map((q) => q[1]));
  const sx = (x: number) => PAD.left + ((x - xl) / Math.max(1e-9, xh - xl)) * (W - PAD.left - PAD.right);
  const sy = (y: number) => H - PAD.bottom - ((y - yl) / (yh - yl)) * (H - PAD.top - PAD.bottom);
  out.push(`<rect x="${PAD.left}" y="${PAD.top}" width="${W - PAD.left - PAD.right}" height="${H - PAD.top - PAD.bottom}" fill="none" stroke="#ccc"/>`);
  for (const y of [yl + (yh - yl) * 0.08, (yl + yh) / 2, yh - (yh - yl) * 0.08]) out.push(`<text x="${PAD.left - 4}" y="${sy(y) + 4}" text-anchor="end" font-size="10">${num(y)}</text>`);
  out.push(`<text x="${PAD.left}" y="${H - 10}" font-size="10">${xl}</text>`, `<text x="${W - PAD.right}" y="${H - 10}" text-anchor="end" font-size="10">step ${xh}</text>`);
  const path = (pts: readonly [number, number][]) => pts.map(([x, y], i) => `${i ? 'L' : 'M'}${sx(x).toFixed(1)},${sy(y).toFixed(1)}`).join('');
  lines.forEach((pts, i) => {
    if (pts.length) out.push(`<path d="${path(pts)}" fill="none" stroke="${COLOURS[i % COLOURS.length]}" stroke-width="1" opacity="0.55"/>`);
  });
  if (meanLine.length && perSeed.length > 1) out.push(`<path d="${path(meanLine)}" fill="none" stroke="#111" stroke-width="2"/>`);
  out.push('</g>');
  return out.join('');
}

/** One SVG figure of the PPO rows' runs: a line of four panels per row (RM score, gold score, length, KL). */
export function runsChartSvg(rows: readonly TableRow[], title: string): string {
  const runs = rows.filter((r) => r.curve && r.curve.length);
  const rowH = H + 22;
  const width = PANELS.length * W;
  const height = 30 + runs.length * rowH + 20;
  const out: string[] = [`<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="sans-serif">`, `<rect width="100%" height="100%" fill="white"/>`, `<text x="8" y="20" font-size="14" font-weight="bold">${esc(title)}</text>`];
  runs.forEach((r, i) => {
    const y = 30 + i * rowH;
    out.push(`<text x="8" y="${y + 14}" font-size="13" font-weight="bold">${esc(r.name)}</text>`);
    PANELS.forEach((p, j) => out.push(panel(p, r.perSeed.map((s) => ({ seed: s.seed, curve: s.ppo?.curve ?? [] })), r.curve ?? [], j * W, y + 16)));
  });
  const seeds = runs[0]?.perSeed.map((s) => s.seed) ?? [];
  out.push(`<text x="8" y="${height - 6}" font-size="10">${seeds.map((s, i) => `<tspan fill="${COLOURS[i % COLOURS.length]}">seed ${s}</tspan>`).join(' · ')}${seeds.length > 1 ? ' · <tspan font-weight="bold">mean</tspan>' : ''}</text>`);
  out.push('</svg>');
  return `${out.join('\n')}\n`;
}
