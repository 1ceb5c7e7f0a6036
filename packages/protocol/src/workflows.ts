/** The server's workflow library (docs/protocol.md §3 "Workflows"): each user's saved graphs. */
import { type Static, Type } from '@sinclair/typebox';
import { GraphDocumentSchema } from './jobs';

/** `workflow`: a whole graph; `component`: a reusable piece (a subgraph) the node library offers. */
export const WORKFLOW_KINDS = ['workflow', 'component'] as const;
export type WorkflowKind = (typeof WORKFLOW_KINDS)[number];
export const WorkflowKind = Type.Union(WORKFLOW_KINDS.map((k) => Type.Literal(k)));

/** What a user types: no control characters, slashes or surrounding spaces, at most 100 characters. */
export const WORKFLOW_NAME_PATTERN = '^(?!\\s)[^\\u0000-\\u001f\\u007f/\\\\]{1,100}(?<!\\s)$';
export const WorkflowParams = Type.Object({ name: Type.String({ pattern: WORKFLOW_NAME_PATTERN }) });
export type WorkflowParams = Static<typeof WorkflowParams>;
export const WorkflowQuery = Type.Object(
  { kind: Type.Optional(WorkflowKind) },
  { additionalProperties: false },
);
export type WorkflowQuery = Static<typeof WorkflowQuery>;

export const WorkflowInfo = Type.Object({
  name: Type.String(),
  kind: WorkflowKind,
  /** The graph's `meta.title`, when it has one. */
  title: Type.Optional(Type.String()),
  nodeCount: Type.Integer(),
  updatedAt: Type.Integer(),
});
export type WorkflowInfo = Static<typeof WorkflowInfo>;
export const WorkflowList = Type.Object({ workflows: Type.Array(WorkflowInfo) });
export type WorkflowList = Static<typeof WorkflowList>;

export const SaveWorkflowBody = Type.Object(
  { graph: GraphDocumentSchema, kind: Type.Optional(WorkflowKind) },
  { additionalProperties: false },
);
export type SaveWorkflowBody = Static<typeof SaveWorkflowBody>;
export const SaveWorkflowResponse = Type.Composite([WorkflowInfo, Type.Object({ created: Type.Boolean() })]);
export type SaveWorkflowResponse = Static<typeof SaveWorkflowResponse>;

/** `POST /api/workflows/:name/rename`: the new name; a workflow of that name already is `409 conflict`. */
export const RenameWorkflowBody = Type.Object(
  { to: Type.String({ pattern: WORKFLOW_NAME_PATTERN }), kind: Type.Optional(WorkflowKind) },
  { additionalProperties: false },
);
export type RenameWorkflowBody = Static<typeof RenameWorkflowBody>;
