import type { ExecutionView, StateStatus } from '../../saga/execution-view.ts';
import { type GraphEdge, NODE_HEIGHT, NODE_WIDTH, type StateGraph } from '../../saga/state-graph.ts';

interface SagaGraphProps {
  readonly graph: StateGraph;
  readonly view: ExecutionView;
  readonly selected: string | undefined;
  readonly onSelect: (state: string) => void;
}

const statusOf = (view: ExecutionView, name: string): StateStatus =>
  view.states.get(name)?.status ?? 'not-run';

const pathOf = (graph: StateGraph, edge: GraphEdge): string => {
  const from = graph.nodes.find((n) => n.name === edge.from);
  const to = graph.nodes.find((n) => n.name === edge.to);
  if (!from || !to) return '';
  const x1 = from.x + NODE_WIDTH / 2;
  const y1 = from.y + NODE_HEIGHT;
  const x2 = to.x + NODE_WIDTH / 2;
  const y2 = to.y;
  if (to.layer <= from.layer) {
    // An edge back up: around the side, so it does not cross the nodes in between.
    const side = Math.max(from.x, to.x) + NODE_WIDTH + 14;
    return `M ${from.x + NODE_WIDTH} ${from.y + NODE_HEIGHT / 2} C ${side} ${from.y}, ${side} ${to.y + NODE_HEIGHT}, ${to.x + NODE_WIDTH} ${to.y + NODE_HEIGHT / 2}`;
  }
  const middle = (y1 + y2) / 2;
  return `M ${x1} ${y1} C ${x1} ${middle}, ${x2} ${middle}, ${x2} ${y2}`;
};

/**
 * A state machine drawn as the Step Functions console draws an execution: one box per state,
 * coloured by what became of it, retries marked, the transitions taken (catches dashed) in bold.
 */
export const SagaGraph = ({ graph, view, selected, onSelect }: SagaGraphProps) => (
  <svg
    class="saga-graph"
    viewBox={`0 0 ${graph.width + 40} ${graph.height}`}
    width="100%"
    style={{ maxWidth: `${graph.width + 40}px` }}
    role="img"
    aria-label="state machine graph"
  >
    <defs>
      <marker id="arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="5" markerHeight="5" orient="auto">
        <path d="M 0 0 L 10 5 L 0 10 z" />
      </marker>
    </defs>
    {graph.edges.map((edge) => {
      const taken = view.taken.has(`${edge.from}->${edge.to}`);
      return (
        <path
          key={`${edge.from}->${edge.to}:${edge.kind}`}
          d={pathOf(graph, edge)}
          class={`edge edge-${edge.kind}${taken ? ' taken' : ''}`}
          data-edge={`${edge.from}->${edge.to}`}
          marker-end="url(#arrow)"
        >
          {edge.label && <title>{edge.label}</title>}
        </path>
      );
    })}
    {graph.nodes.map((node) => {
      const status = statusOf(view, node.name);
      const visit = view.states.get(node.name);
      const retries = visit ? visit.attempts - 1 : 0;
      return (
        // biome-ignore lint/a11y/useSemanticElements: SVG has no <button>; a focusable group with role=button is the SVG way.
        <g
          key={node.name}
          class={`state state-${status}${selected === node.name ? ' selected' : ''}`}
          data-state={node.name}
          data-status={status}
          transform={`translate(${node.x}, ${node.y})`}
          role="button"
          tabIndex={0}
          aria-label={`${node.name}: ${status}`}
          onClick={() => onSelect(node.name)}
          onKeyDown={(event) => {
            if (event.key === 'Enter' || event.key === ' ') onSelect(node.name);
          }}
        >
          <rect width={NODE_WIDTH} height={NODE_HEIGHT} rx={node.type === 'Choice' ? 17 : 6} />
          <text x={10} y={NODE_HEIGHT / 2 + 4}>
            {node.name}
          </text>
          {retries > 0 && (
            <g class="retries" data-retries={retries}>
              <circle cx={NODE_WIDTH - 4} cy={4} r={10} />
              <text x={NODE_WIDTH - 4} y={8} text-anchor="middle">
                ↻{retries}
              </text>
            </g>
          )}
        </g>
      );
    })}
  </svg>
);
