/** HTTP request and response bodies of docs/protocol.md §3 (route schemas and their types). */
import type { Catalog, ValidationError } from '@reelgraph/graph';
import { type Static, Type } from '@sinclair/typebox';
import { ClientId, GraphDocumentSchema, JOB_STATES, JobId, JobState, JobSummary, QueueStatus } from './jobs';
import { PackLoadState } from './ws';

/** The `error` codes of HTTP error bodies (docs/protocol.md §1 says when each is given). */
export const ERROR_CODES = [
  'bad_request',
  'invalid_json',
  'invalid_graph',
  'not_comfyui',
  'unauthorized',
  'forbidden',
  'forbidden_origin',
  'forbidden_host',
  'csrf_invalid',
  'not_found',
  'request_timeout',
  'conflict',
  'payload_too_large',
  'image_too_large',
  'uri_too_long',
  'unsupported_media_type',
  'range_not_satisfiable',
  'policy_refused',
  'upgrade_required',
  'rate_limited',
  'headers_too_large',
  'queue_full',
  'no_worker',
  'pack_install_disabled',
  'pack_install_failed',
  'busy',
  'internal',
] as const;
export type ErrorCode = (typeof ERROR_CODES)[number];

/** Every status ≥ 400: `{ error, message, ...extra fields per code }` (docs/protocol.md §1). */
export const ErrorBody = Type.Object(
  {
    // A string enum, not a union of literals: the serializer then never has to pick a member.
    error: Type.Unsafe<ErrorCode>(Type.String({ enum: [...ERROR_CODES] })),
    message: Type.String(),
    /** `400 bad_request` from a route schema. */
    details: Type.Optional(Type.Array(Type.Object({ path: Type.String(), message: Type.String() }))),
    /** `400 invalid_graph`: every validation error. */
    errors: Type.Optional(
      Type.Array(Type.Unsafe<ValidationError>(Type.Object({}, { additionalProperties: true }))),
    ),
  },
  { $id: 'Error', additionalProperties: true },
);
export type ErrorBody = Static<typeof ErrorBody> & { [extra: string]: unknown };

/** 204 and 304 responses. */
export const NoBody = Type.Null();

export const Health = Type.Object({ ok: Type.Boolean() });

export const Session = Type.Object({
  protocol: Type.Integer(),
  serverVersion: Type.String(),
  authRequired: Type.Boolean(),
  authenticated: Type.Boolean(),
  /** Absent when `authRequired && !authenticated`. */
  csrfToken: Type.Optional(Type.String()),
  /** With named users (`serve --users`): who is signed in. */
  user: Type.Optional(Type.Object({ name: Type.String(), admin: Type.Boolean() })),
  limits: Type.Record(Type.String(), Type.Number()),
});
export type Session = Static<typeof Session>;

export const LoginBody = Type.Object(
  { token: Type.String({ minLength: 1, maxLength: 512 }) },
  { additionalProperties: false },
);
export type LoginBody = Static<typeof LoginBody>;

/** A pack as the catalog shows it (no file system paths). */
export const PackInfo = Type.Object({
  name: Type.String(),
  version: Type.Optional(Type.String()),
  description: Type.Optional(Type.String()),
  /** `error` when anything went wrong; `nodes` still lists whatever did load. */
  status: PackLoadState,
  errors: Type.Array(Type.String()),
  nodes: Type.Array(Type.String()),
  /** The npm package providing the pack (saved graphs name it, so a missing pack can be installed). */
  package: Type.Optional(Type.Object({ name: Type.String(), version: Type.String() })),
});
export type PackInfo = Static<typeof PackInfo>;

/** `POST /api/packs/install`: a pack's npm package and version range (the missing-nodes dialog). */
export const PackInstallBody = Type.Object(
  {
    package: Type.String({ minLength: 1, maxLength: 214 }),
    range: Type.Optional(Type.String({ minLength: 1, maxLength: 100 })),
  },
  { additionalProperties: false },
);
export type PackInstallBody = Static<typeof PackInstallBody>;

/** What was installed; the catalog reloads and a `catalog:changed` event follows. */
export const PackInstallResponse = Type.Object({
  package: Type.String(),
  version: Type.String(),
  pack: Type.String(),
  integrity: Type.Optional(Type.String()),
});
export type PackInstallResponse = Static<typeof PackInstallResponse>;

/** `GET /api/catalog`: the graph package's `Catalog` plus every pack's load status. */
export const CatalogResponse = Type.Object({
  types: Type.Unsafe<Catalog['types']>(Type.Object({}, { additionalProperties: true })),
  nodes: Type.Unsafe<Catalog['nodes']>(Type.Object({}, { additionalProperties: true })),
  packs: Type.Array(PackInfo),
});
export type CatalogResponse = Static<typeof CatalogResponse>;

export const PRESET_NAME_PATTERN = '^(?!.*\\.\\.)[A-Za-z0-9][A-Za-z0-9_.-]{0,99}$';
export const PresetParams = Type.Object({ name: Type.String({ pattern: PRESET_NAME_PATTERN }) });
export type PresetParams = Static<typeof PresetParams>;
export const PresetInfo = Type.Object({
  name: Type.String(),
  title: Type.Optional(Type.String()),
  description: Type.Optional(Type.String()),
  nodeCount: Type.Integer(),
});
export type PresetInfo = Static<typeof PresetInfo>;
export const PresetList = Type.Object({ presets: Type.Array(PresetInfo) });
export type PresetList = Static<typeof PresetList>;
export const Preset = GraphDocumentSchema;

/** `GET /api/system`: open-ended facts about the host, with the queue. */
export const SystemInfo = Type.Object({ queue: QueueStatus }, { additionalProperties: true });

export const Priority = Type.Integer({ minimum: -1000, maximum: 1000 });

/** `POST /api/jobs`; `timeoutMs` is capped by the server's job timeout. */
export const SubmitJobBody = (maxTimeoutMs = 2 * 60 * 60 * 1000) =>
  Type.Object(
    {
      graph: Type.Union([GraphDocumentSchema, Type.String()], {
        description: 'The graph document (object), or its JSON text',
      }),
      clientId: Type.Optional(ClientId),
      priority: Type.Optional(Priority),
      timeoutMs: Type.Optional(Type.Integer({ minimum: 100, maximum: maxTimeoutMs })),
      targets: Type.Optional(Type.Array(Type.String({ minLength: 1, maxLength: 200 }), { maxItems: 1000 })),
    },
    { additionalProperties: false },
  );
export type SubmitJobBody = Static<ReturnType<typeof SubmitJobBody>>;
/** A usage-policy rule's hit on a node's text input (`serve --policy`). */
export const PolicyFinding = Type.Object({
  ruleId: Type.String(),
  category: Type.String(),
  action: Type.Union([Type.Literal('refuse'), Type.Literal('warn')]),
  /** The words of the input that matched, as written (at most 80 characters). */
  match: Type.String(),
  nodeId: Type.String(),
  input: Type.String(),
});
export type PolicyFinding = Static<typeof PolicyFinding>;

export const SubmitJobResponse = Type.Object({
  jobId: Type.String(),
  position: Type.Integer(),
  state: Type.Literal('queued'),
  /** Hits of the policy's warn rules (the job runs). */
  policyWarnings: Type.Optional(Type.Array(PolicyFinding)),
});
export type SubmitJobResponse = Static<typeof SubmitJobResponse>;

const states = `(${JOB_STATES.join('|')})`;
export const ListJobsQuery = Type.Object(
  {
    /** A comma list of states. */
    state: Type.Optional(Type.String({ pattern: `^${states}(,${states})*$` })),
    limit: Type.Optional(Type.String({ pattern: '^[0-9]{1,4}$' })),
    offset: Type.Optional(Type.String({ pattern: '^[0-9]{1,9}$' })),
    clientId: Type.Optional(ClientId),
    /** Graph titles containing this text (case-insensitive). */
    title: Type.Optional(Type.String({ maxLength: 200 })),
    /** `true`: only jobs that wrote at least one file (the gallery). */
    files: Type.Optional(Type.Union([Type.Literal('true'), Type.Literal('false')])),
  },
  { additionalProperties: false },
);
export type ListJobsQuery = Static<typeof ListJobsQuery>;
export const ListJobsResponse = Type.Object({
  jobs: Type.Array(JobSummary),
  total: Type.Integer(),
  offset: Type.Integer(),
  limit: Type.Integer(),
});
export type ListJobsResponse = Static<typeof ListJobsResponse>;

/** `DELETE /api/jobs`: the finished jobs removed from the history. */
export const ClearJobsResponse = Type.Object({ deleted: Type.Integer() });
export type ClearJobsResponse = Static<typeof ClearJobsResponse>;

export const JobParams = Type.Object({ id: JobId });
export type JobParams = Static<typeof JobParams>;
const flag = Type.Union([Type.Literal('true'), Type.Literal('false')]);
export const JobDetailQuery = Type.Object(
  { events: Type.Optional(flag), graph: Type.Optional(flag) },
  { additionalProperties: false },
);
export type JobDetailQuery = Static<typeof JobDetailQuery>;

export const CancelJobResponse = Type.Object({
  jobId: Type.String(),
  state: JobState,
  /** True when this call cancelled the job. */
  cancelled: Type.Boolean(),
});
export type CancelJobResponse = Static<typeof CancelJobResponse>;

export const PatchJobBody = Type.Object({ priority: Priority }, { additionalProperties: false });
export type PatchJobBody = Static<typeof PatchJobBody>;

export const OUTPUT_ID_PATTERN = '^[A-Za-z0-9_-]{22}$';
export const UPLOAD_NAME_PATTERN = '^[0-9a-f]{32}\\.(png|jpg|webp|gif)$';
export const OutputParams = Type.Object({ name: Type.String({ pattern: OUTPUT_ID_PATTERN }) });
export const UploadParams = Type.Object({ name: Type.String({ pattern: UPLOAD_NAME_PATTERN }) });
export type FileParams = Static<typeof OutputParams>;
export const UploadResponse = Type.Object({
  name: Type.String(),
  url: Type.String(),
  mime: Type.String(),
  width: Type.Integer(),
  height: Type.Integer(),
  frames: Type.Integer(),
  size: Type.Integer(),
  /** The file name the image was first uploaded as (`GET /api/uploads/:name/info` gives it later). */
  originalName: Type.Optional(Type.String()),
});
export type UploadResponse = Static<typeof UploadResponse>;

/** `GET /api/uploads/:name/info`: what the editor shows for an image input. */
export const UploadInfo = Type.Object({ name: Type.String(), originalName: Type.Optional(Type.String()) });
export type UploadInfo = Static<typeof UploadInfo>;
