import {
  type ConstantValue,
  type InputSchema,
  isLink,
  type NodeSchema,
  type ValidationError,
} from '@reelgraph/graph';
import { type Output, TERMINAL_STATES } from '@reelgraph/protocol';
import { Handle, type NodeProps, Position } from '@xyflow/react';
import { memo, useCallback, useMemo } from 'react';
import { foreignSchema } from '../lib/foreign';
import { countRender } from '../lib/perf';
import { editor, useItems, useProblems, useRun } from '../state';
import type { NodeRun } from '../store/runStore';
import { problemText } from '../store/subgraphScope';
import type { FlowNode, NodeItem } from '../store/types';
import { uiStore } from '../store/uiStore';
import { CredentialsMark } from './CredentialsMark';
import { useFar } from './lod';
import { NodeBox } from './NodeBox';
import { widgets } from './widgets/registry';
import { useModel } from './widgets/useModel';

const NO_PROBLEMS: ValidationError[] = [];

/**
 * The one node component: every node type is drawn from its catalog schema; zoomed far out, as a box
 * (`NodeBox`), re-rendered only when the zoom crosses the level of detail (`useFar`).
 */
export const GenericNode = memo(function GenericNode({ id, selected }: NodeProps<FlowNode>) {
  const item = useItems((s) => s.items[id]) as NodeItem | undefined;
  const type = item?.type;
  const catalogSchema = useItems((s) => (type ? s.catalog?.nodes[type] : undefined));
  const foreign = item?.foreign;
  const inputs = item?.inputs;
  const schema = useMemo(
    () => (foreign && inputs ? foreignSchema(foreign, inputs) : catalogSchema),
    [foreign, inputs, catalogSchema],
  );
  const problems = useProblems(id) ?? NO_PROBLEMS;
  // Inside an opened subgraph, this node's run is the flattened inner node's.
  const runId = useItems((s) => s.runPrefix + id);
  const run = useRun((s) => s.nodes[runId]);
  const far = useFar();
  countRender(id);
  if (!item) return null;
  const title = item.title ?? schema?.title ?? item.type;
  const classes = [
    'rg-node',
    selected ? 'selected' : '',
    item.mode ? `mode-${item.mode}` : '',
    run ? `run-${run.state}` : '',
    problems.length ? 'has-problems' : '',
    schema ? '' : 'missing',
    foreign ? 'foreign' : '',
    item.collapsed ? 'collapsed' : '',
  ].join(' ');
  const style = {
    ...(item.color ? { '--node-color': item.color } : {}),
    ...(item.size && !item.collapsed ? { width: item.size.width } : {}),
  } as React.CSSProperties;

  const header = (
    <header className="rg-node-header">
      <button
        type="button"
        className="rg-collapse nodrag"
        aria-label={item.collapsed ? 'expand' : 'collapse'}
        onClick={() => editor.getState().toggleCollapsed([id])}
      >
        {item.collapsed ? '▸' : '▾'}
      </button>
      <span
        className="rg-title"
        title={schema?.description ?? 'This node type is not available on the server'}
      >
        {title}
      </span>
      {item.mode === 'bypassed' && <span className="rg-badge">bypass</span>}
      {item.mode === 'muted' && <span className="rg-badge">muted</span>}
      <RunBadge run={run} />
    </header>
  );
  if (far && !item.collapsed) {
    return (
      <div className={`${classes} boxed`} style={style} data-node-id={id} data-node-type={item.type}>
        <NodeBox id={id} item={item} schema={schema} header={header} />
      </div>
    );
  }

  return (
    <div className={classes} style={style} data-node-id={id} data-node-type={item.type}>
      {header}
      {item.collapsed ? (
        <CollapsedHandles item={item} schema={schema} />
      ) : schema ? (
        <NodeBody id={id} item={item} schema={schema} problems={problems} />
      ) : (
        <MissingBody item={item} />
      )}
      {!item.collapsed && <NodeFooter runId={runId} run={run} problems={problems} />}
    </div>
  );
});

function RunBadge({ run }: { run: NodeRun | undefined }) {
  if (!run) return null;
  if (run.state === 'running') {
    const frac = run.total ? (run.step ?? 0) / run.total : 0;
    const c = 2 * Math.PI * 7;
    return (
      <span
        className="rg-progress"
        data-state="running"
        title={run.total ? `${run.step}/${run.total}` : 'running'}
      >
        <svg width="18" height="18" viewBox="0 0 18 18" role="img" aria-label="progress">
          <circle cx="9" cy="9" r="7" className="ring-bg" />
          <circle
            cx="9"
            cy="9"
            r="7"
            className={`ring${run.total ? '' : ' spin'}`}
            strokeDasharray={`${run.total ? c * frac : c * 0.25} ${c}`}
          />
        </svg>
        {run.total ? <span>{Math.round(frac * 100)}%</span> : null}
      </span>
    );
  }
  const text =
    run.state === 'done'
      ? `✓ ${formatMs(run.durationMs)}`
      : run.state === 'cached'
        ? 'cached'
        : run.state === 'failed'
          ? run.stopped === 'timeout'
            ? 'timed out'
            : run.stopped === 'crashed'
              ? 'crashed'
              : 'error'
          : run.state === 'skipped'
            ? 'skipped'
            : 'queued';
  return (
    <span className="rg-status" data-state={run.state}>
      {text}
    </span>
  );
}

/** While the node runs: the step; once it is done: "done" under its last frame; a job that ended first: where it stopped. */
function PreviewCaption({
  run,
  preview,
}: {
  run: NodeRun | undefined;
  preview: { step?: number; total?: number };
}) {
  const jobEnded = useRun((s) => {
    const job = s.activeJob ? s.jobs[s.activeJob] : undefined;
    return job ? TERMINAL_STATES.includes(job.state) : false;
  });
  const step = preview.total ? `step ${preview.step}/${preview.total}` : '';
  const text =
    run?.state === 'done' || run?.state === 'cached'
      ? 'done'
      : run?.state === 'running' && !jobEnded
        ? step
        : step && `stopped at ${step}`;
  return text ? <figcaption data-state={text === 'done' ? 'done' : run?.state}>{text}</figcaption> : null;
}

function formatMs(ms: number | undefined): string {
  if (ms === undefined) return '';
  return ms < 1000 ? `${Math.round(ms)} ms` : `${(ms / 1000).toFixed(1)} s`;
}

const NodeBody = memo(function NodeBody({
  id,
  item,
  schema,
  problems,
}: {
  id: string;
  item: NodeItem;
  schema: NodeSchema;
  problems: ValidationError[];
}) {
  const types = useItems((s) => s.catalog?.types);
  return (
    <div className="rg-node-body">
      {Object.entries(schema.outputs).map(([name, out]) => (
        <div className="rg-row rg-output" key={name}>
          <span className="rg-label">{out.label ?? name}</span>
          <Handle
            type="source"
            position={Position.Right}
            id={name}
            className="rg-handle"
            style={{ background: types?.[out.type]?.color }}
            title={out.type}
            {...socketKeys(id, name, 'source', out.label ?? name)}
          />
        </div>
      ))}
      {Object.entries(schema.inputs).map(([name, input]) => {
        const value = item.inputs[name];
        const linked = isLink(value);
        const asSocket = input.widget === 'socket' || linked || Boolean(item.sockets?.includes(name));
        const problem = problems.find((p) => p.input === name);
        return (
          <InputRow
            key={name}
            nodeId={id}
            name={name}
            schema={input}
            value={linked ? undefined : (value as ConstantValue | undefined)}
            asSocket={asSocket}
            linked={linked}
            color={types?.[input.type]?.color}
            problem={problem && problemText(problem)}
          />
        );
      })}
    </div>
  );
});

const InputRow = memo(function InputRow({
  nodeId,
  name,
  schema,
  value,
  asSocket,
  linked,
  color,
  problem,
}: {
  nodeId: string;
  name: string;
  schema: InputSchema;
  value: ConstantValue | undefined;
  asSocket: boolean;
  linked: boolean;
  color: string | undefined;
  problem: string | undefined;
}) {
  const onChange = useCallback(
    (v: ConstantValue) => editor.getState().setInput(nodeId, name, v),
    [nodeId, name],
  );
  const Widget = widgets[schema.widget];
  const label = schema.label ?? name;
  const model = useModel(nodeId, schema);
  return (
    <div
      className={`rg-row rg-input${asSocket ? ' socket' : ' widget'}${problem ? ' problem' : ''}`}
      data-input={name}
      title={problem ?? schema.tooltip ?? schema.type}
    >
      <Handle
        type="target"
        position={Position.Left}
        id={name}
        className={`rg-handle${asSocket ? '' : ' widget-handle'}${schema.optional ? ' optional' : ''}`}
        style={{ background: color }}
        {...socketKeys(nodeId, name, 'target', label)}
      />
      {asSocket ? (
        <span className="rg-label">
          {label}
          {!linked && !schema.optional && schema.widget === 'socket' ? <em> (needs a link)</em> : null}
        </span>
      ) : (
        <Widget
          nodeId={nodeId}
          name={name}
          label={label}
          schema={schema}
          value={value}
          invalid={Boolean(problem)}
          onChange={onChange}
          model={model}
        />
      )}
      {problem && <div className="rg-input-problem">{problem}</div>}
    </div>
  );
});

/** A socket is a control: Tab reaches it, Enter or Space opens the connect dialog from it. */
function socketKeys(node: string, socket: string, side: 'source' | 'target', label: string) {
  return {
    tabIndex: 0,
    role: 'button',
    'aria-label': `${side === 'source' ? 'Output' : 'Input'} ${label}: connect`,
    onKeyDown: (e: React.KeyboardEvent) => {
      if (e.key !== 'Enter' && e.key !== ' ') return;
      e.preventDefault();
      e.stopPropagation();
      uiStore.setState({ dialog: 'connect', connectFrom: { node, socket, side } });
    },
  };
}

function CollapsedHandles({ item, schema }: { item: NodeItem; schema: NodeSchema | undefined }) {
  // Edges still need their handles; collapsed nodes stack them on the header's edges.
  return (
    <div className="rg-collapsed-handles">
      {Object.keys(schema?.inputs ?? item.inputs).map((name) => (
        <Handle key={name} type="target" position={Position.Left} id={name} className="rg-handle hidden" />
      ))}
      {Object.keys(schema?.outputs ?? {}).map((name) => (
        <Handle key={name} type="source" position={Position.Right} id={name} className="rg-handle hidden" />
      ))}
    </div>
  );
}

function MissingBody({ item }: { item: NodeItem }) {
  return (
    <div className="rg-node-body">
      <div className="rg-missing-note">Node type “{item.type}” is not available on this server.</div>
      {Object.entries(item.inputs).map(([name, v]) => (
        <div className="rg-row rg-input socket" key={name}>
          <Handle type="target" position={Position.Left} id={name} className="rg-handle" />
          <span className="rg-label">
            {name}: {isLink(v) ? `← ${v[0]}.${v[1]}` : String(v)}
          </span>
        </div>
      ))}
    </div>
  );
}

const NodeFooter = memo(function NodeFooter({
  runId,
  run,
  problems,
}: {
  runId: string;
  run: NodeRun | undefined;
  problems: ValidationError[];
}) {
  const preview = useRun((s) => s.previews[runId]);
  const nodeProblems = problems.filter((p) => !p.input);
  const files = (run?.outputs ?? []).filter((o): o is Extract<Output, { kind: 'file' }> => o.kind === 'file');
  const values = (run?.outputs ?? []).filter(
    (o): o is Extract<Output, { kind: 'value' }> => o.kind === 'value',
  );
  const showPreview = preview && (run?.state === 'running' || !files.length);
  if (!showPreview && !files.length && !values.length && !nodeProblems.length && !run?.error) return null;
  return (
    <div className="rg-node-footer nodrag">
      {nodeProblems.map((p) => (
        <div className="rg-problem" key={p.code + p.message} data-inner={p.inner?.nodeId}>
          {problemText(p)}
        </div>
      ))}
      {run?.error && <div className="rg-problem run-error">{run.error}</div>}
      {showPreview && (
        <figure className="rg-preview" data-frames={preview.frames}>
          <img src={preview.url} alt="live preview" />
          <PreviewCaption run={run} preview={preview} />
        </figure>
      )}
      {files.length > 0 && (
        // Several outputs (variations) tile the node's width instead of stacking past the screen.
        <div className={`rg-outputs${files.length > 1 ? ' grid' : ''}`} data-count={files.length}>
          {files.map((f) => (
            <div key={f.id} className="rg-file">
              {f.mime.startsWith('video/') ? (
                <video className="rg-video" src={f.url} autoPlay loop muted playsInline controls />
              ) : f.mime.startsWith('image/') ? (
                <img className="rg-image" src={f.url} alt={f.name} />
              ) : (
                <a href={f.url} target="_blank" rel="noreferrer">
                  {f.name}
                </a>
              )}
              <CredentialsMark meta={f.meta} />
            </div>
          ))}
        </div>
      )}
      {values.map((v) => (
        <pre key={`${v.label}`} className="rg-value">
          {v.label ? `${v.label}: ` : ''}
          {JSON.stringify(v.value)}
        </pre>
      ))}
    </div>
  );
});
