// Things the browser tests ask the page: what the canvas drew, what the panel saved.
import type { Page } from 'playwright-core';

/** Pixels of the timeline canvas painted in a CSS colour variable (e.g. --lgt-ok). */
export function canvasPixels(page: Page, cssVar: string, selector = '.tl-base'): Promise<number> {
  return page.evaluate(
    ({ cssVar, selector }) => {
      const probe = document.createElement('span');
      probe.style.color = `var(${cssVar})`;
      document.body.append(probe);
      const m = /rgba?\((\d+), (\d+), (\d+)/.exec(getComputedStyle(probe).color);
      probe.remove();
      if (!m) return -1;
      const [r, g, b] = [Number(m[1]), Number(m[2]), Number(m[3])];
      const c = document.querySelector(selector) as HTMLCanvasElement;
      const d = c.getContext('2d')!.getImageData(0, 0, c.width, c.height).data;
      let n = 0;
      for (let i = 0; i < d.length; i += 4) if (Math.abs(d[i] - r) <= 3 && Math.abs(d[i + 1] - g) <= 3 && Math.abs(d[i + 2] - b) <= 3) n++;
      return n;
    },
    { cssVar, selector },
  );
}

/** The UI state the panel saved through the (stand-in) VS Code API. */
export async function savedUi(page: Page): Promise<{ selected: number | null; follow: boolean; zoomed: boolean; view: { start: number; end: number } | null; filter: string; tab: string; collapsed: string[] }> {
  return page.evaluate(() => JSON.parse(sessionStorage.getItem('lgt-preview-webview-state') ?? '{}').ui);
}

/** The canvas background colour matches the theme's editor background. */
export function canvasCorner(page: Page): Promise<number[]> {
  return page.evaluate(() => {
    const c = document.querySelector('.tl-base') as HTMLCanvasElement;
    return Array.from(c.getContext('2d')!.getImageData(c.width - 2, c.height - 2, 1, 1).data.slice(0, 3));
  });
}

export interface Band {
  /** Page coordinates (CSS px) of a lane's bars: its vertical extent. */
  top: number;
  bottom: number;
  /** Runs of bar pixels along the lane, page x (CSS px), left to right. */
  bars: { x0: number; x1: number }[];
}

/** The horizontal runs of pixels in a CSS colour variable on each pixel row of the timeline's
 * base canvas between page heights y0 and y1, in page coordinates (CSS px). */
function colourRows(page: Page, cssVar: string, y0: number, y1: number): Promise<{ y: number; h: number; runs: { x0: number; x1: number }[] }[]> {
  return page.evaluate(
    ({ cssVar, y0, y1 }) => {
      const probe = document.createElement('span');
      probe.style.color = `var(${cssVar})`;
      document.body.append(probe);
      const m = /rgba?\((\d+), (\d+), (\d+)/.exec(getComputedStyle(probe).color)!;
      probe.remove();
      const [r, g, b] = [Number(m[1]), Number(m[2]), Number(m[3])];
      const c = document.querySelector('.tl-base') as HTMLCanvasElement;
      const box = c.getBoundingClientRect();
      const k = c.width / box.width;
      const data = c.getContext('2d')!.getImageData(0, 0, c.width, c.height).data;
      const hit = (x: number, y: number) => {
        const i = (y * c.width + x) * 4;
        return Math.abs(data[i] - r) <= 3 && Math.abs(data[i + 1] - g) <= 3 && Math.abs(data[i + 2] - b) <= 3;
      };
      const rows: { y: number; h: number; runs: { x0: number; x1: number }[] }[] = [];
      for (let y = Math.max(0, Math.floor((y0 - box.top) * k)); y < Math.min(c.height, Math.ceil((y1 - box.top) * k)); y++) {
        const runs: { x0: number; x1: number }[] = [];
        for (let x = 0; x < c.width; x++) {
          if (!hit(x, y)) continue;
          let e = x;
          while (e + 1 < c.width && hit(e + 1, y)) e++;
          runs.push({ x0: box.left + x / k, x1: box.left + (e + 1) / k });
          x = e;
        }
        rows.push({ y: box.top + y / k, h: 1 / k, runs });
      }
      return rows;
    },
    { cssVar, y0, y1 },
  );
}

/**
 * The lanes the timeline painted between page heights y0 and y1: bands of rows holding pixels in
 * a CSS colour variable (bars), and in each band the horizontal runs of that colour along its top
 * row (above any duration text). Read from the base canvas.
 */
export async function barBands(page: Page, cssVar: string, y0: number, y1: number): Promise<Band[]> {
  const bands: Band[] = [];
  let band: Band | null = null;
  for (const row of await colourRows(page, cssVar, y0, y1)) {
    if (!row.runs.length) band = null;
    else if (band) band.bottom = row.y + row.h;
    else bands.push((band = { top: row.y, bottom: row.y + row.h, bars: row.runs }));
  }
  return bands;
}

/** The longest horizontal run of pixels in a CSS colour variable between page heights y0 and y1 (page coordinates). */
export async function longestRun(page: Page, cssVar: string, y0: number, y1: number): Promise<{ x0: number; x1: number; y: number } | null> {
  let best: { x0: number; x1: number; y: number } | null = null;
  for (const row of await colourRows(page, cssVar, y0, y1)) {
    for (const r of row.runs) if (!best || r.x1 - r.x0 > best.x1 - best.x0) best = { ...r, y: row.y };
  }
  return best;
}

/** Page boxes of elements, by selector (all matches), for overlap checks. */
export function boxes(page: Page, selector: string): Promise<{ what: string; x: number; y: number; w: number; h: number }[]> {
  return page.locator(selector).evaluateAll((els) =>
    els
      .filter((e) => (e as HTMLElement).offsetParent !== null)
      .map((e) => {
        const r = e.getBoundingClientRect();
        return { what: `${e.tagName.toLowerCase()}.${[...e.classList].join('.')}${e.getAttribute('aria-label') ? `[${e.getAttribute('aria-label')}]` : ''}`, x: r.x, y: r.y, w: r.width, h: r.height };
      }),
  );
}

/**
 * Along page row y from x0 to x1 of the timeline canvas: each pixel is taken as nearer the colour
 * `cssVar` or nearer `bgVar` (blended strokes count by what they look like). Returns how many runs
 * of nearer-`cssVar` pixels there are (stripes) and what share of the pixels they cover.
 */
export function stripes(page: Page, cssVar: string, bgVar: string, y: number, x0: number, x1: number): Promise<{ runs: number; covered: number }> {
  return page.evaluate(
    ({ cssVar, bgVar, y, x0, x1 }) => {
      const rgb = (v: string) => {
        const probe = document.createElement('span');
        probe.style.color = `var(${v})`;
        document.body.append(probe);
        const m = /rgba?\((\d+), (\d+), (\d+)/.exec(getComputedStyle(probe).color)!;
        probe.remove();
        return [Number(m[1]), Number(m[2]), Number(m[3])];
      };
      const fg = rgb(cssVar);
      const bg = rgb(bgVar);
      const c = document.querySelector('.tl-base') as HTMLCanvasElement;
      const box = c.getBoundingClientRect();
      const k = c.width / box.width;
      const py = Math.round((y - box.top) * k);
      const from = Math.max(0, Math.round((x0 - box.left) * k));
      const to = Math.min(c.width, Math.round((x1 - box.left) * k));
      const d = c.getContext('2d')!.getImageData(from, py, Math.max(1, to - from), 1).data;
      const dist = (i: number, q: number[]) => Math.abs(d[i] - q[0]) + Math.abs(d[i + 1] - q[1]) + Math.abs(d[i + 2] - q[2]);
      let runs = 0;
      let near = 0;
      let prev = false;
      for (let i = 0; i < d.length; i += 4) {
        const on = dist(i, fg) < dist(i, bg);
        if (on) near++;
        if (on && !prev) runs++;
        prev = on;
      }
      return { runs, covered: near / Math.max(1, d.length / 4) };
    },
    { cssVar, bgVar, y, x0, x1 },
  );
}
