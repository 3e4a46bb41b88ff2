// Saving a file from the page: the browser's download of a Blob under a name.

/** Starts the download of `blob` as `name`. */
export function saveFile(name: string, blob: Blob): void {
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  a.click();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

/** Saves a chart's canvas as a PNG named after its title. */
export function saveCanvasPng(canvas: HTMLCanvasElement, title: string): void {
  const name = `${title.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '') || 'chart'}.png`;
  canvas.toBlob((blob) => {
    if (blob) saveFile(name, blob);
  }, 'image/png');
}

/** Rows as CSV (a header of every key any row has, numbers as they are, text quoted when it must be). */
export function toCsv(rows: readonly Record<string, unknown>[]): string {
  const keys = [...new Set(rows.flatMap((r) => Object.keys(r)))];
  const cell = (v: unknown) => {
    if (v === undefined || v === null) return '';
    const s = typeof v === 'number' ? String(v) : typeof v === 'string' ? v : JSON.stringify(v);
    return /[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
  };
  return [keys.join(','), ...rows.map((r) => keys.map((k) => cell(r[k])).join(','))].join('\n') + '\n';
}
