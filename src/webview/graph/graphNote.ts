// Why the pane draws the run rather than the server's graph, in one sentence. Pure.
import type { SessionGraph } from '../../shared/assistantGraph';
import type { SessionPhase } from '../../shared/protocol';

export function paneNote(sent: SessionGraph | null, phase: SessionPhase): string {
  const how = 'drawn from the transitions this run showed';
  if (sent?.error) return `The server did not give the graph (${sent.error}): ${how}.`;
  if (phase === 'recorded') return `This recording has no graph: ${how}.`;
  return `No graph from the server yet: ${how}.`;
}
