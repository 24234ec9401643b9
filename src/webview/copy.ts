// Clipboard, with a fallback for contexts where the async clipboard API is refused.
let announce: (msg: string) => void = () => undefined;

/** Where "Copied …" is announced (an aria-live region). */
export function setCopyAnnouncer(fn: (msg: string) => void): void {
  announce = fn;
}

export async function copyToClipboard(text: string, what: string): Promise<boolean> {
  let ok = false;
  try {
    if (navigator.clipboard?.writeText) {
      await navigator.clipboard.writeText(text);
      ok = true;
    }
  } catch {
    ok = false;
  }
  if (!ok) {
    const ta = document.createElement('textarea');
    ta.value = text;
    ta.setAttribute('readonly', '');
    ta.className = 'sr-only';
    document.body.appendChild(ta);
    ta.select();
    try {
      ok = document.execCommand('copy');
    } catch {
      ok = false;
    }
    ta.remove();
  }
  announce(ok ? `Copied ${what}` : `Could not copy ${what}`);
  return ok;
}
