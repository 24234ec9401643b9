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
