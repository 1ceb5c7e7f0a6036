import type { GraphDocument } from '@reelgraph/graph';
import type {
  CancelJobResponse,
  CatalogResponse,
  ClearJobsResponse,
  JobDetail,
  JobState,
  JobSummary,
  ListJobsResponse,
  PackInstallBody,
  PackInstallResponse,
  PresetInfo,
  PresetList,
  SaveWorkflowResponse,
  Session,
  SubmitJobResponse,
  UploadInfo,
  UploadResponse,
  WorkflowInfo,
  WorkflowKind,
  WorkflowList,
} from '@reelgraph/protocol';
import { ApiError } from './api-error';

/**
 * The HTTP half of docs/protocol.md. Same origin only; mutating requests carry the CSRF token from
 * `GET /api/session`, refreshed and retried once on `403 csrf_invalid`.
 */
export class ApiClient {
  #csrf: string | undefined;

  constructor(readonly base = '') {}

  async session(): Promise<Session> {
    const s = await this.#json<Session>('GET', '/api/session');
    this.#csrf = s.csrfToken;
    return s;
  }

  login(token: string): Promise<void> {
    return this.#json('POST', '/api/login', { token });
  }

  catalog(): Promise<CatalogResponse> {
    return this.#json('GET', '/api/catalog');
  }

  /** Whether this server installs missing packs from the npm registry (`serve --allow-pack-install`). */
  async canInstallPacks(): Promise<boolean> {
    return (await this.#json<{ packInstall?: boolean }>('GET', '/api/system')).packInstall === true;
  }

  installPack(body: PackInstallBody): Promise<PackInstallResponse> {
    return this.#json('POST', '/api/packs/install', body);
  }

  submit(graph: GraphDocument, clientId: string): Promise<SubmitJobResponse> {
    return this.#json('POST', '/api/jobs', { graph, clientId });
  }

  async jobs(limit = 50): Promise<JobSummary[]> {
    return (await this.#json<ListJobsResponse>('GET', `/api/jobs?limit=${limit}`)).jobs;
  }

  /** The history, as `GET /api/jobs` pages and filters it. */
  history(q: {
    limit: number;
    offset: number;
    title?: string;
    states?: JobState[];
    files?: boolean;
  }): Promise<ListJobsResponse> {
    const p = new URLSearchParams({ limit: String(q.limit), offset: String(q.offset) });
    if (q.title) p.set('title', q.title);
    if (q.states?.length) p.set('state', q.states.join(','));
    if (q.files) p.set('files', 'true');
    return this.#json('GET', `/api/jobs?${p}`);
  }

  deleteJob(id: string): Promise<void> {
    return this.#json('DELETE', `/api/jobs/${encodeURIComponent(id)}`);
  }

  /** Removes every finished job from the server's history. */
  clearFinished(): Promise<ClearJobsResponse> {
    return this.#json('DELETE', '/api/jobs');
  }

  job(id: string, withGraph = false): Promise<JobDetail> {
    return this.#json('GET', `/api/jobs/${encodeURIComponent(id)}?events=false&graph=${withGraph}`);
  }

  cancel(id: string): Promise<CancelJobResponse> {
    return this.#json('POST', `/api/jobs/${encodeURIComponent(id)}/cancel`, {});
  }

  async presets(): Promise<PresetInfo[]> {
    return (await this.#json<PresetList>('GET', '/api/presets')).presets;
  }

  preset(name: string): Promise<GraphDocument> {
    return this.#json('GET', `/api/presets/${encodeURIComponent(name)}`);
  }

  /** The user's saved workflows (the server's library), by name. */
  async workflows(kind: WorkflowKind = 'workflow'): Promise<WorkflowInfo[]> {
    return (await this.#json<WorkflowList>('GET', `/api/workflows?kind=${kind}`)).workflows;
  }

  workflow(name: string, kind: WorkflowKind = 'workflow'): Promise<GraphDocument> {
    return this.#json('GET', `/api/workflows/${encodeURIComponent(name)}?kind=${kind}`);
  }

  saveWorkflow(
    name: string,
    graph: GraphDocument,
    kind: WorkflowKind = 'workflow',
  ): Promise<SaveWorkflowResponse> {
    return this.#json('PUT', `/api/workflows/${encodeURIComponent(name)}`, { graph, kind });
  }

  renameWorkflow(name: string, to: string, kind: WorkflowKind = 'workflow'): Promise<WorkflowInfo> {
    return this.#json('POST', `/api/workflows/${encodeURIComponent(name)}/rename`, { to, kind });
  }

  deleteWorkflow(name: string, kind: WorkflowKind = 'workflow'): Promise<void> {
    return this.#json('DELETE', `/api/workflows/${encodeURIComponent(name)}?kind=${kind}`);
  }

  uploadInfo(name: string): Promise<UploadInfo> {
    return this.#json('GET', `/api/uploads/${encodeURIComponent(name)}/info`);
  }

  async upload(file: Blob, name = 'image'): Promise<UploadResponse> {
    const form = new FormData();
    form.append('file', file, name);
    return this.#request<UploadResponse>('POST', '/api/uploads', form);
  }

  #json<T>(method: string, path: string, body?: unknown): Promise<T> {
    return this.#request<T>(method, path, body === undefined ? undefined : JSON.stringify(body));
  }

  async #request<T>(method: string, path: string, body?: BodyInit, retried = false): Promise<T> {
    const headers: Record<string, string> = {};
    if (typeof body === 'string') headers['content-type'] = 'application/json';
    if (method !== 'GET' && this.#csrf) headers['x-reelgraph-csrf'] = this.#csrf;
    const res = await fetch(this.base + path, { method, headers, ...(body !== undefined ? { body } : {}) });
    if (res.status === 204) return undefined as T;
    const data = await res.json().catch(() => ({}));
    if (res.ok) return data as T;
    const code = typeof data?.error === 'string' ? data.error : 'http_error';
    if (code === 'csrf_invalid' && !retried) {
      await this.session();
      return this.#request<T>(method, path, body, true);
    }
    throw new ApiError(res.status, code, data?.message ?? res.statusText, data?.errors ?? [], data ?? {});
  }
}
