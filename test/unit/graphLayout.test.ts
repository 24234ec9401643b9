// The graph pane's layout past HUGE boxes: its own first order of each rank gives the drawing
// dagre's order step gives with the sweeps off, point by point, without that step's cost.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { graphSpecOf } from '../../src/shared/assistantGraph';
import { shapeFromGraph } from '../../src/webview/graph/graphShape';
import { planLayout, runLayout } from '../../src/webview/graph/graphLayout';
import { generatedGraph } from '../bench/generatedGraph';

const measure = (t: string, bold: boolean) => t.length * (bold ? 7.5 : 7);

describe('layout of a huge graph', () => {
  for (const [n, seed, collapsed] of [[300, 7, []], [260, 11, []], [400, 3, ['sub2', 'sub5']]] as const) {
    test(`${n} nodes (seed ${seed}${collapsed.length ? `, ${collapsed.join(' and ')} collapsed` : ''}): the same drawing as dagre's own order step`, () => {
      const shape = shapeFromGraph(graphSpecOf(generatedGraph(n, seed)));
      for (const dir of ['TB', 'LR'] as const) {
        const plan = planLayout(shape, new Set(collapsed), measure, dir);
        // The case this is for: dagre's sweeps are off.
        assert.equal(plan.input.options.disableOptimalOrderHeuristic, true);
        const ours = runLayout(plan.input);
        const theirs = runLayout(plan.input, true);
        assert.deepEqual(ours, theirs);
        assert.ok(Object.keys(ours.nodes).length >= plan.input.boxes.length, 'every box laid out');
        assert.ok(Object.values(ours.edges).every((pts) => pts.length >= 2), 'every edge drawn');
      }
    });
  }

  test('a chain of 1,500 nodes: one rank each, top to bottom', () => {
    const nodes = [{ id: '__start__' }, ...Array.from({ length: 1500 }, (_, i) => ({ id: `n${i}` })), { id: '__end__' }];
    const edges = nodes.slice(1).map((t, i) => ({ source: nodes[i].id, target: t.id, conditional: false }));
    const plan = planLayout(shapeFromGraph(graphSpecOf({ nodes, edges })), new Set(), measure);
    const out = runLayout(plan.input);
    const ys = nodes.map((n) => out.nodes[n.id].y);
    assert.ok(ys.every((y, i) => i === 0 || y > ys[i - 1]));
  });
});
