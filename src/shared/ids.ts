// Short forms of the server's ids for labels and messages (the whole id stays in tooltips, Copy ID
// and the accessible name). The Agent Server's ids are UUID v7: their first 12 hex digits are the
// creation time in ms, so the usual "first 8 characters" is the same for everything created within
// about a minute. For those, the last 8 (random) characters tell items apart.
const UUID_V7 = /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function shortId(id: string): string {
  return UUID_V7.test(id) ? id.slice(-8) : id.slice(0, 8);
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Whether `id` is a UUID (an assistant created on the server) rather than a name (a graph id). */
export function isUuid(id: string | undefined): boolean {
  return !!id && UUID.test(id);
}
