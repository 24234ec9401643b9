// Canvas colours come from the same --vscode-* variables as the DOM (through the --lgt-* aliases in
// styles.css). VS Code swaps the body class and the variables on <html> when the theme changes, so
// both are watched and the palette is re-read.

export interface Palette {
  bg: string;
  fg: string;
  muted: string;
  grid: string;
  step: string;
  ok: string;
  run: string;
  err: string;
  int: string;
  /** A cancelled execution: stopped, neither done nor failed. */
  cancel: string;
  focus: string;
  hover: string;
  rowActive: string;
  match: string;
  now: string;
  /** LLM calls inside a bar, and their first-token marks. */
  llm: string;
  /** High contrast: outline every bar with this (else ''). */
  contrast: string;
  font: string;
  fontFamily: string;
  highContrast: boolean;
  reducedMotion: boolean;
}

const FALLBACK: Palette = {
  bg: '#1e1e1e',
  fg: '#cccccc',
  muted: '#9d9d9d',
  grid: 'rgba(128,128,128,0.25)',
  step: 'rgba(128,128,128,0.5)',
  ok: '#3794ff',
  run: '#89d185',
  err: '#f14c4c',
  int: '#d18616',
  cancel: '#9d9d9d',
  focus: '#007fd4',
  hover: 'rgba(128,128,128,0.15)',
  rowActive: 'rgba(128,128,128,0.2)',
  match: '#ea5c00',
  now: '#89d185',
  llm: '#b180d7',
  contrast: '',
  font: '11px sans-serif',
  fontFamily: 'sans-serif',
  highContrast: false,
  reducedMotion: false,
};

export function readPalette(doc: Document = document): Palette {
  const body = doc.body;
  const cs = getComputedStyle(body);
  const v = (name: string, fb: string) => cs.getPropertyValue(name).trim() || fb;
  const highContrast = body.classList.contains('vscode-high-contrast') || body.classList.contains('vscode-high-contrast-light');
  const fontFamily = v('--vscode-font-family', cs.fontFamily || FALLBACK.fontFamily);
  return {
    bg: v('--lgt-bg', FALLBACK.bg),
    fg: v('--lgt-fg', FALLBACK.fg),
    muted: v('--lgt-muted', FALLBACK.muted),
    grid: v('--lgt-grid', FALLBACK.grid),
    step: v('--lgt-step', FALLBACK.step),
    ok: v('--lgt-ok', FALLBACK.ok),
    run: v('--lgt-run', FALLBACK.run),
    err: v('--lgt-err', FALLBACK.err),
    int: v('--lgt-int', FALLBACK.int),
    cancel: v('--lgt-cancel', FALLBACK.cancel),
    focus: v('--lgt-focus', FALLBACK.focus),
    hover: v('--lgt-hover', FALLBACK.hover),
    rowActive: v('--lgt-row-active', FALLBACK.rowActive),
    match: v('--lgt-match', FALLBACK.match),
    now: v('--lgt-now', FALLBACK.now),
    llm: v('--lgt-llm', FALLBACK.llm),
    contrast: highContrast ? v('--vscode-contrastBorder', '#6fc3df') : '',
    font: `11px ${fontFamily}`,
    fontFamily,
    highContrast,
    reducedMotion: typeof matchMedia === 'function' && matchMedia('(prefers-reduced-motion: reduce)').matches,
  };
}

/** Call `onChange` whenever the theme may have changed; returns a disposer. */
export function watchTheme(onChange: () => void): () => void {
  const mo = new MutationObserver(() => onChange());
  mo.observe(document.body, { attributes: true, attributeFilter: ['class', 'data-vscode-theme-kind', 'data-vscode-theme-id'] });
  mo.observe(document.documentElement, { attributes: true, attributeFilter: ['style', 'class'] });
  const mq = typeof matchMedia === 'function' ? matchMedia('(prefers-reduced-motion: reduce)') : null;
  mq?.addEventListener('change', onChange);
  return () => {
    mo.disconnect();
    mq?.removeEventListener('change', onChange);
  };
}
