// The assistant's graph for a session: `GET /assistants/{id}/graph?xray=true` (subgraphs drawn
// inside their parent; `true` expands every level on the JS server, which reads xray as a
// boolean, and on the Python one, which also takes a depth), then without xray when a server
// refuses it. Never throws: a graph that cannot be had says why, and the panel draws what the
// run showed instead.
import type { LangGraphClient } from './client';
import { LangGraphError } from './errors';
import { graphSpecOf, type SessionGraph } from '../shared/assistantGraph';

export async function fetchSessionGraph(client: Pick<LangGraphClient, 'getAssistantGraph'>, assistantId: string, signal?: AbortSignal): Promise<SessionGraph> {
  const fetchedAt = Date.now();
  let first: unknown;
  for (const xray of [true, false] as const) {
    try {
      const raw = await client.getAssistantGraph(assistantId, { xray }, signal);
      return { graph: graphSpecOf(raw), xray, assistantId, fetchedAt };
    } catch (e) {
      first ??= e;
      if (e instanceof LangGraphError && ['aborted', 'connection-refused', 'dns', 'tls', 'timeout', 'network', 'unauthorized', 'forbidden', 'not-found', 'invalid-url'].includes(e.kind)) break;
    }
  }
  const why = first instanceof Error ? first.message : String(first);
  return { graph: null, xray: true, assistantId, fetchedAt, error: why };
}
