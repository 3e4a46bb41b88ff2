// Grouped bar charts (a bar per run for each category, such as a question type): one chart.js
// instance per chart, its data replaced when the runs compared change (they do not stream).

import { BarController, BarElement, CategoryScale, Chart, Legend, LinearScale, Title, Tooltip } from 'chart.js';
import { themed } from './theme';

Chart.register(BarController, BarElement, CategoryScale, LinearScale, Title, Tooltip, Legend);

export interface BarGroup {
  label: string;
  color: string;
  values: number[];
}

export interface BarChartData {
  categories: string[];
  groups: BarGroup[];
  /** Values are shares, drawn from 0 to 100%. */
  percent?: boolean;
  /** The value axis's top (a score out of 6). */
  max?: number;
}

function datasets(d: BarChartData) {
  return d.groups.map((g) => ({ label: g.label, data: [...g.values], backgroundColor: g.color, borderRadius: 3, maxBarThickness: 28 }));
}

/** Builds a bar chart on the canvas, animation off, in the theme's colours (and following it). */
export function createBarChart(canvas: HTMLCanvasElement, d: BarChartData, title: string, yLabel: string): Chart<'bar'> {
  return new Chart<'bar'>(canvas, {
    type: 'bar',
    plugins: [themed],
    data: { labels: [...d.categories], datasets: datasets(d) },
    options: {
      animation: false,
      maintainAspectRatio: false,
      scales: {
        y: { min: 0, ...(d.percent ? { max: 1, ticks: { callback: (v: string | number) => `${Math.round(Number(v) * 100)}%` } } : d.max !== undefined ? { max: d.max } : {}), title: { display: true, text: yLabel } },
      },
      plugins: {
        title: { display: true, text: title, align: 'start', font: { size: 14, weight: 'bold' } },
        legend: { position: 'bottom', labels: { boxWidth: 14 } },
        tooltip: { callbacks: { label: (c) => `${c.dataset.label}: ${d.percent ? `${(Number(c.parsed.y) * 100).toFixed(1)}%` : Number(c.parsed.y).toFixed(2)}` } },
      },
    },
  });
}

/** Replaces the chart's data and redraws. */
export function setBarData(chart: Chart<'bar'>, d: BarChartData): void {
  chart.data.labels = [...d.categories];
  chart.data.datasets = datasets(d);
  chart.update('none');
}
