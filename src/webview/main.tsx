import { render } from 'preact';
import '@vscode/codicons/dist/codicon.css';
import './styles.css';
import { App } from './App';
import { Store } from './store';
import { webviewApi } from './vscodeApi';
import { isToWebview } from '../shared/protocol';

const api = webviewApi();
const store = new Store({ api });
window.addEventListener('message', (e: MessageEvent) => {
  if (isToWebview(e.data)) store.handle(e.data);
});
render(<App store={store} />, document.getElementById('root')!);
// Nothing is pushed before this: the host answers with a snapshot.
api.postMessage({ type: 'ready' });
