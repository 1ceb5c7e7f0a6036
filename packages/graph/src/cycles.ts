/**
 * Cycle finding over node links. Iterative (Tarjan's strongly connected components), so a
 * 10,000-node chain cannot overflow the call stack.
 */

export interface Cycle {
  /** A closed path in data-flow order; the first node is repeated at the end (`a → b → a`). */
  path: string[];
  /** Every node caught in this knot of links (the strongly connected component), in document order. */
  members: string[];
}

/**
 * One cycle per strongly connected component that has a loop, named by a shortest closed path from its
 * first node in `ids` order.
 * @param ids all node ids, in document order
 * @param adj for each node (by position in `ids`), the positions of the nodes its inputs link from
 */
export function findCycles(ids: readonly string[], adj: readonly (readonly number[])[]): Cycle[] {
  const n = ids.length;
  const index = new Int32Array(n).fill(-1);
  const low = new Int32Array(n);
  const onStack = new Uint8Array(n);
  const sccStack: number[] = [];
  const components: number[][] = [];
  let counter = 0;
  const callV: number[] = [];
  const callE: number[] = [];

  for (let root = 0; root < n; root++) {
    if (index[root] !== -1) continue;
    callV.push(root);
    callE.push(0);
    index[root] = low[root] = counter++;
    sccStack.push(root);
    onStack[root] = 1;
    while (callV.length > 0) {
      const top = callV.length - 1;
      const v = callV[top]!;
      const edges = adj[v]!;
      const e = callE[top]!;
      if (e < edges.length) {
        callE[top] = e + 1;
        const w = edges[e]!;
        if (index[w] === -1) {
          index[w] = low[w] = counter++;
          sccStack.push(w);
          onStack[w] = 1;
          callV.push(w);
          callE.push(0);
        } else if (onStack[w]) {
          low[v] = Math.min(low[v]!, index[w]!);
        }
        continue;
      }
      callV.pop();
      callE.pop();
      if (callV.length > 0) {
        const parent = callV[callV.length - 1]!;
        low[parent] = Math.min(low[parent]!, low[v]!);
      }
      if (low[v] === index[v]) {
        const comp: number[] = [];
        let w: number;
        do {
          w = sccStack.pop()!;
          onStack[w] = 0;
          comp.push(w);
        } while (w !== v);
        if (comp.length > 1 || edges.includes(v)) components.push(comp);
      }
    }
  }

  for (const comp of components) comp.sort((a, b) => a - b);
  components.sort((a, b) => a[0]! - b[0]!);
  const cycles = components.map((comp) => ({
    path: closedPath(comp, adj).map((i) => ids[i]!),
    members: comp.map((i) => ids[i]!),
  }));
  return cycles;
}

/** Shortest closed path through the component's first node, returned in data-flow order. */
function closedPath(comp: number[], adj: readonly (readonly number[])[]): number[] {
  const start = comp[0]!;
  const inComp = new Set(comp);
  const prev = new Map<number, number>();
  const queue = [start];
  let end = -1;
  for (let q = 0; q < queue.length && end === -1; q++) {
    const v = queue[q]!;
    for (const w of adj[v]!) {
      if (!inComp.has(w)) continue;
      if (w === start) {
        end = v;
        break;
      }
      if (!prev.has(w)) {
        prev.set(w, v);
        queue.push(w);
      }
    }
  }
  // Walked upstream (p1 feeds start, p2 feeds p1 …, start feeds end), so reading back from `end`
  // gives data-flow order: start → end → … → p1 → start.
  const flow = [start];
  for (let v = end; v !== start && v !== -1; v = prev.get(v)!) flow.push(v);
  flow.push(start);
  return flow;
}
