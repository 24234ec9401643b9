import { render } from 'preact';
import '@vscode/codicons/dist/codicon.css';
import './styles.css';
import { App } from './App';
import { Store } from './store';
import { webviewApi } from './vscodeApi';
import { isToWebview } from '../shared/protocol';
import { Inbox } from './inbox';
import { layoutClient } from './graph/graphLayoutClient';

const api = webviewApi();
const store = new Store({ api });
const inbox = new Inbox(store);
window.addEventListener('message', (e: MessageEvent) => {
  if (isToWebview(e.data)) inbox.receive(e.data);
});
render(<App store={store} />, document.getElementById('root')!);
// The graph's layout worker compiles its script on the other core while the host sends the run.
layoutClient().warm();
// Nothing is pushed before this: the host answers with a snapshot.
api.postMessage({ type: 'ready' });
