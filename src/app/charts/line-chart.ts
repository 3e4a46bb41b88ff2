// Line charts that grow as a run streams points: a LineFeed holds the points of a few series
// and tells the charts drawing it about each batch of new points; createLineChart builds one
// chart.js instance (registering only the parts a line chart uses) that appends, never rebuilds.

import { Chart, Legend, LineController, LineElement, LinearScale, PointElement, Title, Tooltip, type ChartDataset, type Plugin } from 'chart.js';
import { themed } from './theme';

Chart.register(LineController, LineElement, PointElement, LinearScale, Title, Tooltip, Legend);

export interface XY {
  x: number;
  y: number;
}

export interface SeriesSpec {
  label: string;
  color: string;
  /** Draw a dot at every point (for sparse series such as a held-out loss). */
  dots?: boolean;
  dashed?: boolean;
  /** Points only, no line between them (a scatter, such as measured points under a fitted curve). */
  scatter?: boolean;
  /** A big marker at each point (a curve's peak). */
  marker?: boolean;
  /** Read against the right-hand axis (the feed's y2). */
  right?: boolean;
}

export interface FeedListener {
  /** New points per series, aligned with the feed's series. */
  append(added: readonly (readonly XY[])[]): void;
  clear(): void;
  /** The step axis now ends at `max` (a run's last step), or fits the points (null). */
  setXMax(max: number | null): void;
  /** The feed's marks changed. */
  marked?(): void;
}

/** A vertical line on a chart at a step, with a few words at its top (where an alarm started). */
export interface ChartMark {
  x: number;
  label: string;
}

/** How a feed's value axis reads: a fixed range (accuracy from 0 to 100%) and percent ticks. */
export interface AxisSpec {
  min?: number;
  max?: number;
  /** Values are shares, shown as percentages. */
  percent?: boolean;
}

/** A chart's other axes: a right-hand value axis (for series marked `right`), and an x axis that is not a step count. */
export interface FeedAxes {
  y2?: AxisSpec;
  /** The x axis is a measure (√KL), not steps: ticks may fall between whole numbers. */
  xDecimals?: boolean;
  /** The legend names only the series with points (a chart whose series depend on what was run). */
  legendHidesEmpty?: boolean;
}

/** The points of a chart's series, kept outside any component so a chart can be remounted. */
export class LineFeed {
  readonly data: XY[][];
  private listeners = new Set<FeedListener>();

  /** Where the step axis ends: the run's last step once known, so a run fills its chart as it goes. */
  xMax: number | null = null;
  /** Vertical marks drawn over the series (where an alarm started). */
  marks: readonly ChartMark[] = [];

  constructor(
    readonly series: readonly SeriesSpec[],
    readonly y: AxisSpec = {},
    readonly axes: FeedAxes = {},
  ) {
    this.data = series.map(() => []);
  }

  /** Ends the step axis at `max` (the run's last step), or lets it fit the points (null); tells every chart. */
  setXMax(max: number | null): void {
    this.xMax = max;
    for (const l of this.listeners) l.setXMax(max);
  }

  /** Appends new points (one array per series, empty where a series has none) and tells every chart. */
  append(added: readonly (readonly XY[])[]): void {
    added.forEach((pts, i) => this.data[i]?.push(...pts));
    for (const l of this.listeners) l.append(added);
  }

  /** Drops every point (the step axis's end and the marks too) and tells every chart. */
  clear(): void {
    for (const d of this.data) d.length = 0;
    this.xMax = null;
    this.marks = [];
    for (const l of this.listeners) l.clear();
  }

  /** Sets the marks (replacing those there), and tells every chart if they changed. */
  setMarks(marks: readonly ChartMark[]): void {
    if (JSON.stringify(marks) === JSON.stringify(this.marks)) return;
    this.marks = marks;
    for (const l of this.listeners) l.marked?.();
  }

  /** All points of all series. */
  get total(): number {
    return this.data.reduce((n, d) => n + d.length, 0);
  }

  /** Registers a chart; returns the function that unregisters it. */
  subscribe(l: FeedListener): () => void {
    this.listeners.add(l);
    return () => this.listeners.delete(l);
  }
}

export interface LineChartOptions {
  title: string;
  xLabel: string;
  yLabel: string;
  /** The right-hand axis's title, for a feed with series on it. */
  y2Label?: string;
}

function dataset(s: SeriesSpec, points: readonly XY[]): ChartDataset<'line', XY[]> {
  return {
    label: s.label,
    data: [...points],
    borderColor: s.color,
    backgroundColor: s.color,
    borderWidth: 2,
    borderDash: s.dashed ? [6, 4] : [],
    showLine: !s.scatter,
    pointRadius: s.marker ? 8 : s.dots || s.scatter ? 3 : 0,
    pointStyle: s.marker ? 'star' : 'circle',
    pointBorderWidth: s.marker ? 2 : 1,
    pointHoverRadius: s.marker ? 9 : 4,
    yAxisID: s.right ? 'y2' : 'y',
    tension: 0,
    // Let dots at the edges (the last held-out loss) show whole.
    clip: 6,
  };
}

/** A value axis of the chart from its spec. */
function valueAxis(a: AxisSpec, title: string, position: 'left' | 'right', grid = true) {
  return {
    type: 'linear' as const,
    position,
    ...(a.min !== undefined ? { min: a.min } : {}),
    ...(a.max !== undefined ? { max: a.max } : {}),
    title: { display: true, text: title },
    ...(a.percent ? { ticks: { callback: (v: string | number) => `${Math.round(Number(v) * 100)}%` } } : {}),
    ...(grid ? {} : { grid: { drawOnChartArea: false } }),
  };
}

/** The colour of a mark: the page's alarm red, legible on both themes. */
const MARK_COLOUR = '#d64545';

/** Draws the feed's marks over the chart: a dashed line at each mark's step and its words at the top. */
function markPlugin(feed: LineFeed): Plugin<'line'> {
  return {
    id: 'marks',
    afterDatasetsDraw(chart) {
      const { ctx, chartArea: area, scales } = chart;
      const x = scales.x;
      if (!x || feed.marks.length === 0) return;
      ctx.save();
      ctx.strokeStyle = MARK_COLOUR;
      ctx.fillStyle = MARK_COLOUR;
      ctx.lineWidth = 1.5;
      ctx.setLineDash([4, 3]);
      ctx.font = '600 11px system-ui, sans-serif';
      ctx.textBaseline = 'top';
      feed.marks.forEach((m, i) => {
        const px = x.getPixelForValue(m.x);
        if (px < area.left - 1 || px > area.right + 1) return;
        ctx.beginPath();
        ctx.moveTo(px, area.top);
        ctx.lineTo(px, area.bottom);
        ctx.stroke();
        // Words on the side with room, stacked when several marks share a chart.
        const w = ctx.measureText(m.label).width;
        const left = px + 4 + w > area.right ? px - 4 - w : px + 4;
        ctx.fillText(m.label, left, area.top + 2 + i * 13);
      });
      ctx.restore();
    },
  };
}

/** Builds a chart of the feed's series on the canvas, with animation off (it is redrawn often), in the theme's colours (and following it). */
export function createLineChart(canvas: HTMLCanvasElement, feed: LineFeed, o: LineChartOptions): Chart<'line', XY[]> {
  // A series on the right needs the right-hand axis, specified or not.
  const y2 = feed.axes.y2 ?? (feed.series.some((s) => s.right) ? {} : undefined);
  const right = (i: number) => feed.series[i]?.right === true;
  const pct = (i: number) => (right(i) ? y2?.percent : feed.y.percent) === true;
  return new Chart<'line', XY[]>(canvas, {
    type: 'line',
    plugins: [themed, markPlugin(feed)],
    data: { datasets: feed.series.map((s, i) => dataset(s, feed.data[i] ?? [])) },
    options: {
      animation: false,
      parsing: false,
      normalized: true,
      maintainAspectRatio: false,
      interaction: { mode: 'nearest', axis: 'x', intersect: false },
      scales: {
        x: { type: 'linear', min: 0, ...(feed.xMax !== null ? { max: feed.xMax } : {}), title: { display: true, text: o.xLabel }, ...(feed.axes.xDecimals ? {} : { ticks: { precision: 0 } }) },
        y: valueAxis(feed.y, o.yLabel, 'left'),
        ...(y2 ? { y2: valueAxis(y2, o.y2Label ?? '', 'right', false) } : {}),
      },
      plugins: {
        title: { display: true, text: o.title, align: 'start', font: { size: 14, weight: 'bold' } },
        legend: {
          position: 'bottom',
          labels: { boxWidth: 14, boxHeight: 2, ...(feed.axes.legendHidesEmpty ? { filter: (item, data) => (data.datasets[item.datasetIndex ?? -1]?.data.length ?? 0) > 0 } : {}) },
        },
        tooltip: { callbacks: { label: (c) => `${c.dataset.label}: ${pct(c.datasetIndex) ? `${((c.parsed.y ?? 0) * 100).toFixed(1)}%` : (c.parsed.y ?? 0).toFixed(3)}` } },
      },
    },
  });
}

const pending = new WeakSet<Chart>();

/**
 * Redraws the chart without animation soon, in a task of its own: several calls before it draw
 * once, and a page of charts streaming points redraws them one task each, not all in one long task.
 */
export function redrawSoon(chart: Chart<'line', XY[]>): void {
  if (pending.has(chart)) return;
  pending.add(chart);
  setTimeout(() => {
    pending.delete(chart);
    // A chart destroyed meanwhile has no canvas context left to draw on.
    if (chart.ctx) chart.update('none');
  }, 16);
}

/** Pushes new points into the chart's datasets and redraws at the next frame. */
export function appendToChart(chart: Chart<'line', XY[]>, added: readonly (readonly XY[])[]): void {
  added.forEach((pts, i) => chart.data.datasets[i]?.data.push(...pts));
  redrawSoon(chart);
}

/** Empties the chart's datasets and redraws. */
export function clearChart(chart: Chart<'line', XY[]>): void {
  for (const d of chart.data.datasets) d.data.length = 0;
  setChartXMax(chart, null);
}

/** Ends the step axis at `max`, or lets it fit the points (null), and redraws. */
export function setChartXMax(chart: Chart<'line', XY[]>, max: number | null): void {
  const x = chart.options.scales?.x;
  if (x) x.max = max ?? undefined;
  chart.update('none');
}
