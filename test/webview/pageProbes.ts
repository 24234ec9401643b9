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

/**
 * The lanes the timeline painted between page heights y0 and y1: bands of rows holding pixels in
 * a CSS colour variable (bars), and in each band the horizontal runs of that colour along its top
 * row (above any duration text). Read from the base canvas.
 */
export function barBands(page: Page, cssVar: string, y0: number, y1: number): Promise<Band[]> {
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
      const from = Math.max(0, Math.floor((y0 - box.top) * k));
      const to = Math.min(c.height, Math.ceil((y1 - box.top) * k));
      const rows: boolean[] = [];
      for (let y = from; y < to; y++) {
        let any = false;
        for (let x = 0; x < c.width && !any; x++) any = hit(x, y);
        rows.push(any);
      }
      const bands: { top: number; bottom: number; bars: { x0: number; x1: number }[] }[] = [];
      for (let i = 0; i < rows.length; i++) {
        if (!rows[i] || (i > 0 && rows[i - 1])) continue;
        let j = i;
        while (j + 1 < rows.length && rows[j + 1]) j++;
        const y = from + i;
        const bars: { x0: number; x1: number }[] = [];
        for (let x = 0; x < c.width; x++) {
          if (!hit(x, y)) continue;
          let e = x;
          while (e + 1 < c.width && hit(e + 1, y)) e++;
          bars.push({ x0: box.left + x / k, x1: box.left + (e + 1) / k });
          x = e;
        }
        bands.push({ top: box.top + (from + i) / k, bottom: box.top + (from + j + 1) / k, bars });
      }
      return bands;
    },
    { cssVar, y0, y1 },
  );
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
