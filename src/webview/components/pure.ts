// Components that re-render only when a prop changes (shallow). The panel's parts take
// `seq={store.slowSeq}`, so a stream of events re-renders the DOM a few times a second while the
// canvas redraws every frame.
import { Component, h, type ComponentType } from 'preact';

export function pure<P extends object>(Inner: ComponentType<P>, name = Inner.displayName ?? Inner.name): ComponentType<P> {
  class Pure extends Component<P> {
    static override displayName = `pure(${name})`;
    override shouldComponentUpdate(next: P): boolean {
      const prev = this.props as Record<string, unknown>;
      const n = next as Record<string, unknown>;
      for (const k in n) if (n[k] !== prev[k]) return true;
      for (const k in prev) if (!(k in n)) return true;
      return false;
    }
    override render() {
      return h(Inner as ComponentType<object>, this.props as object);
    }
  }
  return Pure as unknown as ComponentType<P>;
}
