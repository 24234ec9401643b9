import { render } from 'preact';
import { App } from './App';
import { Store } from './store';
import { post } from './vscodeApi';
import { isToWebview } from '../shared/protocol';
import './styles.css';

const store = new Store();
window.addEventListener('message', (e: MessageEvent) => {
  if (isToWebview(e.data)) store.handle(e.data);
});
render(<App store={store} />, document.getElementById('root')!);
// Nothing is pushed before this: the host answers with a snapshot.
post({ type: 'ready' });
