/** A state of an ASL definition, as the graph draws it. */
export interface GraphNode {
  readonly name: string;
  readonly type: string;
  /** Layer from the start state (0 = StartAt) and position within the layer. */
  readonly layer: number;
  readonly slot: number;
  readonly x: number;
  readonly y: number;
}

export type EdgeKind = 'next' | 'catch' | 'choice' | 'default';

export interface GraphEdge {
  readonly from: string;
  readonly to: string;
  readonly kind: EdgeKind;
  /** The errors a catch edge handles, or the choice rule's variable. */
  readonly label?: string;
}

export interface StateGraph {
  readonly nodes: readonly GraphNode[];
  readonly edges: readonly GraphEdge[];
  readonly width: number;
  readonly height: number;
}

export const NODE_WIDTH = 190;
export const NODE_HEIGHT = 34;
const GAP_X = 28;
const GAP_Y = 46;
const MARGIN = 16;

type Json = Record<string, unknown>;

const isRecord = (value: unknown): value is Json =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

const edgesOf = (name: string, state: Json): GraphEdge[] => {
  const edges: GraphEdge[] = [];
  if (typeof state.Next === 'string') edges.push({ from: name, to: state.Next, kind: 'next' });
  for (const rule of Array.isArray(state.Choices) ? state.Choices : []) {
    if (isRecord(rule) && typeof rule.Next === 'string') {
      edges.push({
        from: name,
        to: rule.Next,
        kind: 'choice',
        ...(typeof rule.Variable === 'string' ? { label: rule.Variable } : {}),
      });
    }
  }
  if (typeof state.Default === 'string') edges.push({ from: name, to: state.Default, kind: 'default' });
  for (const handler of Array.isArray(state.Catch) ? state.Catch : []) {
    if (isRecord(handler) && typeof handler.Next === 'string') {
      const errors = Array.isArray(handler.ErrorEquals) ? handler.ErrorEquals.join(', ') : '';
      edges.push({ from: name, to: handler.Next, kind: 'catch', label: errors });
    }
  }
  return edges;
};

/**
 * Orders the states within each layer to cut down crossing edges: a few sweeps of the barycenter
 * heuristic (each state moves towards the mean position of its neighbours in other layers).
 */
const orderLayers = (layers: string[][], edges: readonly GraphEdge[]): void => {
  const neighbours = new Map<string, string[]>();
  for (const edge of edges) {
    neighbours.set(edge.from, [...(neighbours.get(edge.from) ?? []), edge.to]);
    neighbours.set(edge.to, [...(neighbours.get(edge.to) ?? []), edge.from]);
  }
  const positionOf = () => {
    const position = new Map<string, number>();
    for (const row of layers) {
      row?.forEach((name, i) => {
        position.set(name, (i + 0.5) / row.length);
      });
    }
    return position;
  };
  for (let sweep = 0; sweep < 6; sweep++) {
    const position = positionOf();
    const rows = sweep % 2 === 0 ? layers : [...layers].reverse();
    for (const row of rows) {
      if (!row) continue;
      const weight = new Map(
        row.map((name) => {
          const around = (neighbours.get(name) ?? []).flatMap((n) => {
            const p = position.get(n);
            return p === undefined || row.includes(n) ? [] : [p];
          });
          const own = position.get(name) ?? 0;
          return [name, around.length > 0 ? around.reduce((a, b) => a + b, 0) / around.length : own];
        }),
      );
      row.sort((a, b) => (weight.get(a) ?? 0) - (weight.get(b) ?? 0));
    }
  }
};

/**
 * The top-level states of an ASL definition as a layered graph, as the Step Functions console draws
 * one: the start on top, each state one layer below the furthest state that leads to it (edges back
 * to an earlier layer do not push a state down), states of a layer side by side in the order the
 * definition reaches them.
 */
export const stateGraphOf = (definition: unknown): StateGraph => {
  if (!isRecord(definition) || !isRecord(definition.States) || typeof definition.StartAt !== 'string') {
    return { nodes: [], edges: [], width: 0, height: 0 };
  }
  const states = definition.States;
  const names = Object.keys(states);
  const edges = names.flatMap((name) => {
    const state = states[name];
    return isRecord(state) ? edgesOf(name, state) : [];
  });
  const outgoing = new Map<string, string[]>();
  for (const edge of edges) outgoing.set(edge.from, [...(outgoing.get(edge.from) ?? []), edge.to]);

  // Discovery order (breadth first) decides the left-to-right order within a layer.
  const order: string[] = [];
  const seen = new Set<string>([definition.StartAt]);
  const queue = [definition.StartAt];
  while (queue.length > 0) {
    const name = queue.shift() as string;
    order.push(name);
    for (const next of outgoing.get(name) ?? []) {
      if (!seen.has(next) && next in states) {
        seen.add(next);
        queue.push(next);
      }
    }
  }
  for (const name of names) if (!seen.has(name)) order.push(name);
  const rank = new Map(order.map((name, i) => [name, i]));

  // Longest path over forward edges (those going to a state discovered later): a DAG, so it ends.
  const layer = new Map<string, number>(order.map((name) => [name, 0]));
  for (const name of order) {
    for (const next of outgoing.get(name) ?? []) {
      if ((rank.get(next) ?? -1) <= (rank.get(name) ?? 0)) continue;
      layer.set(next, Math.max(layer.get(next) ?? 0, (layer.get(name) ?? 0) + 1));
    }
  }
  const layers: string[][] = [];
  for (const name of order) {
    const index = layer.get(name) ?? 0;
    layers[index] = [...(layers[index] ?? []), name];
  }
  orderLayers(layers, edges);
  const widest = Math.max(1, ...layers.map((row) => row?.length ?? 0));
  const width = MARGIN * 2 + widest * NODE_WIDTH + (widest - 1) * GAP_X;
  const nodes: GraphNode[] = [];
  layers.forEach((row, layerIndex) => {
    const rowWidth = row.length * NODE_WIDTH + (row.length - 1) * GAP_X;
    const left = (width - rowWidth) / 2;
    row.forEach((name, slot) => {
      const state = states[name];
      nodes.push({
        name,
        type: isRecord(state) && typeof state.Type === 'string' ? state.Type : 'Unknown',
        layer: layerIndex,
        slot,
        x: left + slot * (NODE_WIDTH + GAP_X),
        y: MARGIN + layerIndex * (NODE_HEIGHT + GAP_Y),
      });
    });
  });
  const height = MARGIN * 2 + layers.length * NODE_HEIGHT + Math.max(0, layers.length - 1) * GAP_Y;
  return { nodes, edges: edges.filter((edge) => edge.to in states), width, height };
};
