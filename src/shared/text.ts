// Small wording helpers for labels, toasts and pickers: counts with the right plural, ages
// ("2 min ago", never an ISO string), durations, one-line previews of untrusted text.

/** "1 event", "2 events"; `many` for irregular plurals ("1 entry", "3 entries"). */
export function plural(n: number, one: string, many = `${one}s`): string {
  return `${n.toLocaleString('en-US')} ${n === 1 ? one : many}`;
}

/** How long ago `iso` was: "just now", "5 min ago", "3 h ago", "2 days ago". */
export function relTime(iso: string | undefined, now = Date.now()): string | undefined {
  if (!iso) return undefined;
  const t = Date.parse(iso);
  if (!Number.isFinite(t)) return undefined;
  const s = Math.max(0, Math.floor((now - t) / 1000));
  if (s < 60) return 'just now';
  const min = Math.floor(s / 60);
  if (min < 60) return `${min} min ago`;
  const h = Math.floor(min / 60);
  if (h < 24) return `${h} h ago`;
  const d = Math.floor(h / 24);
  return d === 1 ? 'yesterday' : `${d} days ago`;
}

/** Milliseconds until relTime(iso) reads differently (the tree refreshes its ages then). */
export function relTimeChangesIn(iso: string | undefined, now = Date.now()): number | undefined {
  const t = iso ? Date.parse(iso) : NaN;
  if (!Number.isFinite(t)) return undefined;
  const age = Math.max(0, now - t);
  const unit = age < 3_600_000 ? 60_000 : age < 86_400_000 ? 3_600_000 : 86_400_000;
  return unit - (age % unit);
}

export function duration(from: string | undefined, to: string | undefined): string | undefined {
  const a = from ? Date.parse(from) : NaN;
  const b = to ? Date.parse(to) : NaN;
  if (!Number.isFinite(a) || !Number.isFinite(b) || b < a) return undefined;
  const ms = b - a;
  return ms < 1000 ? `${ms} ms` : ms < 60_000 ? `${(ms / 1000).toFixed(1)} s` : `${Math.floor(ms / 60_000)}m ${Math.round((ms % 60_000) / 1000)}s`;
}

/** Untrusted text on one line, at most `max` characters (an ellipsis says it was cut). */
export function oneLine(text: string, max = 80): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > max ? `${flat.slice(0, max - 1).trimEnd()}…` : flat;
}
