// The toolbar's switch for the graph pane (shown / hidden), kept in step with the pane's own
// Hide button through paneState.
import { useEffect, useState } from 'preact/hooks';
import { IconButton } from './ValueTree';
import { onPaneState, paneState, setPaneState } from '../graph/paneState';

export function GraphToggle() {
  const [hidden, setHidden] = useState(paneState().hidden);
  useEffect(() => onPaneState(() => setHidden(paneState().hidden)), []);
  return (
    <IconButton
      icon="type-hierarchy"
      label="Show the graph beside the timeline"
      tabIndex={0}
      pressed={!hidden}
      class="graph-toggle"
      onClick={() => setPaneState({ hidden: !hidden })}
    />
  );
}
