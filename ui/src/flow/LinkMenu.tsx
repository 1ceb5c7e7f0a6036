import type { Point } from '@reelgraph/graph';
import { EdgeLabelRenderer } from '@xyflow/react';
import { useState } from 'react';
import { editor } from '../state';
import { outputType } from '../store/document';
import { insertionIndex } from '../store/reroutes';
import { uiStore } from '../store/uiStore';

/** Add a reroute point where `at` is on the link into `target.input`. */
export function addReroute(target: string, input: string, from: Point, to: Point, at: Point): void {
  const item = editor.getState().items[target];
  if (item?.kind !== 'node') return;
  const points = item.reroutes?.[input] ?? [];
  const i = insertionIndex(points, from, to, at);
  editor.getState().setReroutes(target, input, [...points.slice(0, i), at, ...points.slice(i)]);
}

/** The selected link's midpoint button and its menu: a reroute point, a node in between, or delete. */
export function LinkMenu(props: { target: string; input: string; from: Point; to: Point; mid: Point }) {
  const { target, input, from, to, mid } = props;
  const [open, setOpen] = useState(false);
  const insertNode = (button: HTMLElement) => {
    const s = editor.getState();
    const item = s.items[target];
    const link = item?.kind === 'node' ? item.inputs[input] : undefined;
    if (!Array.isArray(link) || item?.kind !== 'node') return;
    const toType = s.catalog?.nodes[item.type]?.inputs[input]?.type ?? '*';
    const r = button.getBoundingClientRect();
    uiStore.setState({
      palette: {
        at: { x: mid.x - 130, y: mid.y - 40 },
        screen: { x: r.left, y: r.bottom },
        splice: { target, input, from: outputType(s.catalog, s.items, link[0], link[1]), to: toType },
      },
    });
    setOpen(false);
  };
  return (
    <EdgeLabelRenderer>
      <div
        className="rg-link-menu nodrag nopan"
        style={{ transform: `translate(-50%, -50%) translate(${mid.x}px, ${mid.y}px)` }}
      >
        <button
          type="button"
          className="rg-link-dot"
          aria-label="Link menu"
          aria-expanded={open}
          aria-haspopup="menu"
          onClick={() => setOpen((o) => !o)}
        >
          ⋯
        </button>
        {open && (
          <div
            role="menu"
            aria-label="Link"
            className="rg-menu"
            onKeyDown={(e) => {
              if (e.key !== 'Escape') return;
              e.stopPropagation();
              setOpen(false);
            }}
          >
            <button
              type="button"
              role="menuitem"
              // biome-ignore lint/a11y/noAutofocus: the menu opens to be used from the keyboard too
              autoFocus
              onClick={() => {
                addReroute(target, input, from, to, mid);
                setOpen(false);
              }}
            >
              Add reroute point
            </button>
            <button type="button" role="menuitem" onClick={(e) => insertNode(e.currentTarget)}>
              Insert node…
            </button>
            <button
              type="button"
              role="menuitem"
              className="danger"
              onClick={() => editor.getState().disconnect(target, input)}
            >
              Delete link
            </button>
          </div>
        )}
      </div>
    </EdgeLabelRenderer>
  );
}
