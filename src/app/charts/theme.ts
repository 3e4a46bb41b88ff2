// The charts' colours come from the page's theme, the CSS custom properties that <html data-theme>
// selects: chart.js draws on a canvas, outside the CSS. The `themed` plugin gives a chart the
// theme's colours (and in presenter mode, <html data-present>, larger text) when it is built and
// again, redrawing it at once, whenever either changes;
// and it fills the canvas with the card background before each draw, so that a chart saved as
// PNG shows its text on the theme's background rather than on nothing.

import type { Chart, Plugin } from 'chart.js';

export interface ChartColours {
  /** Titles, ticks and legends. */
  text: string;
  /** Grid lines and axis lines. */
  grid: string;
  /** The card the chart sits on. */
  background: string;
  /** Text size in px: larger in presenter mode, for a projector. */
  size: number;
}

/** Chart text sizes: ticks and legends, and the title two px larger. */
export const CHART_TEXT = { normal: 12, present: 16 } as const;

/** The current theme's colours for charts. */
export function themeColours(): ChartColours {
  const css = getComputedStyle(document.documentElement);
  const v = (name: string, fallback: string) => css.getPropertyValue(name).trim() || fallback;
  const size = document.documentElement.hasAttribute('data-present') ? CHART_TEXT.present : CHART_TEXT.normal;
  return { text: v('--text', '#1b2230'), grid: v('--border', '#e2e5ea'), background: v('--surface', '#ffffff'), size };
}

/** The colour-bearing parts of a scale's options. */
interface ScalePaint {
  ticks?: { color?: unknown; font?: unknown };
  title?: { color?: unknown; font?: unknown };
  grid?: { color?: unknown };
  border?: { color?: unknown };
}

/** The colour-bearing parts of a chart's options. */
interface OptionsPaint {
  color?: unknown;
  scales?: Record<string, ScalePaint | undefined>;
  plugins?: { title?: { color?: unknown; font?: unknown }; legend?: { labels?: { color?: unknown; font?: unknown } } };
}

/** The colours each chart was last given. */
const given = new WeakMap<Chart, ChartColours>();
/** Charts on the page, restyled when the theme changes. */
const live = new Set<Chart>();
let observer: MutationObserver | undefined;

/** Writes the colours into the chart's own options (chart.js's merged config), every scale's included; a chart.update() draws them. */
function paint(chart: Chart, c: ChartColours): void {
  given.set(chart, c);
  const o = chart.config.options as OptionsPaint | undefined;
  if (!o) return;
  o.color = c.text;
  for (const s of Object.values(o.scales ?? {})) {
    if (!s) continue;
    (s.ticks ??= {}).color = c.text;
    (s.title ??= {}).color = c.text;
    s.ticks.font = { size: c.size };
    s.title.font = { size: c.size };
    (s.grid ??= {}).color = c.grid;
    (s.border ??= {}).color = c.grid;
  }
  const p = (o.plugins ??= {});
  (p.title ??= {}).color = c.text;
  p.title.font = { ...(typeof p.title.font === 'object' ? p.title.font : {}), size: c.size + 2 };
  ((p.legend ??= {}).labels ??= {}).color = c.text;
  (p.legend.labels as { font?: unknown }).font = { size: c.size };
}

/** Gives every chart on the page the theme's colours and redraws it. */
function restyle(): void {
  const c = themeColours();
  for (const chart of live) {
    const was = given.get(chart);
    if (was && was.text === c.text && was.grid === c.grid && was.background === c.background && was.size === c.size) continue;
    paint(chart, c);
    // A chart destroyed meanwhile has no canvas context left to draw on.
    if (chart.ctx) chart.update('none');
  }
}

function follow(chart: Chart): void {
  live.add(chart);
  if (!observer) {
    observer = new MutationObserver(restyle);
    observer.observe(document.documentElement, { attributes: true, attributeFilter: ['data-theme', 'data-present'] });
  }
}

function unfollow(chart: Chart): void {
  live.delete(chart);
  if (live.size === 0) {
    observer?.disconnect();
    observer = undefined;
  }
}

/**
 * The theme plugin, given to each chart (`plugins: [themed]`). After each draw it also writes on
 * the canvas the colours chart.js resolved for the text (data-tick-color, data-legend-color,
 * data-title-color) and the ticks' text size (data-tick-size), for tests to read.
 */
export const themed: Plugin = {
  id: 'themed',
  beforeInit(chart) {
    paint(chart, themeColours());
    follow(chart);
  },
  beforeDraw(chart) {
    const c = given.get(chart);
    if (!c) return;
    const { ctx } = chart;
    ctx.save();
    ctx.globalCompositeOperation = 'destination-over';
    ctx.fillStyle = c.background;
    ctx.fillRect(0, 0, chart.width, chart.height);
    ctx.restore();
  },
  afterDraw(chart) {
    const d = chart.canvas.dataset;
    d.tickColor = [...new Set(Object.values(chart.scales).map((s) => String((s.options as ScalePaint).ticks?.color)))].join(' ');
    d.legendColor = String(chart.legend?.options.labels.color ?? '');
    d.titleColor = String((chart as { titleBlock?: { options: { color?: unknown } } }).titleBlock?.options.color ?? '');
    d.tickSize = String((Object.values(chart.scales)[0]?.options as { ticks?: { font?: { size?: unknown } } } | undefined)?.ticks?.font?.size ?? '');
  },
  afterDestroy(chart) {
    unfollow(chart);
    given.delete(chart);
  },
};
