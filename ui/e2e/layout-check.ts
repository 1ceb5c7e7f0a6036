/**
 * In the page: the links as drawn (sampled along each SVG path, on screen) — pairs that cross, and
 * links passing under a node that is neither of their ends. Points near the sockets are left out:
 * links from one output fan out from one spot.
 */
export function layoutProblems(): { crossings: string[]; behind: string[] } {
  type P = { x: number; y: number };
  const edges = [...document.querySelectorAll<SVGGElement>('.react-flow__edge')].map((g) => {
    const path = g.querySelector<SVGPathElement>('path.react-flow__edge-path')!;
    const m = path.getScreenCTM()!;
    const len = path.getTotalLength();
    const n = Math.max(8, Math.ceil(len / 12));
    const pts: P[] = [];
    for (let i = 0; i <= n; i++) {
      const p = path.getPointAtLength((len * i) / n);
      pts.push({ x: m.a * p.x + m.c * p.y + m.e, y: m.b * p.x + m.d * p.y + m.f });
    }
    const [target] = (g.dataset.id ?? '').slice(2).split(':');
    const source = window.__reelgraph.editor.getState().edges.find((e) => e.id === g.dataset.id)?.source;
    const trim = Math.min(3, Math.floor(pts.length / 4));
    return { id: g.dataset.id ?? '', source, target, pts: pts.slice(trim, pts.length - trim) };
  });
  const nodes = [...document.querySelectorAll<HTMLElement>('.react-flow__node')]
    .filter((el) => !el.classList.contains('react-flow__node-frame'))
    .map((el) => ({ id: el.dataset.id ?? '', r: el.getBoundingClientRect() }));
  const cross = (a: P, b: P, c: P, d: P) => {
    const o = (p: P, q: P, r: P) => (q.x - p.x) * (r.y - p.y) - (q.y - p.y) * (r.x - p.x);
    return o(a, b, c) * o(a, b, d) < 0 && o(c, d, a) * o(c, d, b) < 0;
  };
  const crossings: string[] = [];
  for (let i = 0; i < edges.length; i++)
    for (let j = i + 1; j < edges.length; j++) {
      const e = edges[i]!;
      const f = edges[j]!;
      let hit = false;
      for (let a = 0; a + 1 < e.pts.length && !hit; a++)
        for (let b = 0; b + 1 < f.pts.length && !hit; b++)
          hit = cross(e.pts[a]!, e.pts[a + 1]!, f.pts[b]!, f.pts[b + 1]!);
      if (hit) crossings.push(`${e.id} × ${f.id}`);
    }
  const behind: string[] = [];
  for (const e of edges)
    for (const n of nodes) {
      if (n.id === e.source || n.id === e.target) continue;
      const inside = e.pts.some(
        (p) => p.x > n.r.left && p.x < n.r.right && p.y > n.r.top && p.y < n.r.bottom,
      );
      if (inside) behind.push(`${e.id} under ${n.id}`);
    }
  return { crossings, behind };
}
