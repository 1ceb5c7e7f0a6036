import {
  type Catalog,
  flattenGraph,
  type GraphDocument,
  GraphValidator,
  INNER_SEPARATOR,
  type NodeSchema,
  SocketRegistry,
  type ValidateOptions,
  type ValidationError,
  validateGraph,
} from '@reelgraph/graph';
import {
  type AnyNodeDefinition,
  type Artifact,
  type Logger,
  type NodeServices,
  type Preview,
  schemaOn,
} from '@reelgraph/sdk';
import { type CacheOptions, OutputCache } from './cache';
import { computeKeys, type KeyPolicy, type KeySet } from './cache-key';
import { checkOutputs } from './check-outputs';
import { type ContextHost, consoleLogger, RunContext } from './context';
import { GraphValidationError, toFailure } from './errors';
import type { EngineEvent, NodeFailure } from './events';
import { type Plan, planGraph, replanConstants } from './plan';
import { PlanMemo } from './plan-memo';

export type NodeLookup =
  | Map<string, AnyNodeDefinition>
  | { get(type: string): AnyNodeDefinition | undefined };

export interface ExecutorOptions {
  nodes: NodeLookup;
  /** Catalog to validate and plan against; else built per run from the definitions the graph uses. */
  catalog?: Catalog;
  /** Cache bounds, or an existing cache to share. */
  cache?: CacheOptions | OutputCache;
  /** Async nodes running at once per job; default 4. */
  concurrency?: number;
  services?: Partial<NodeServices>;
  /** Socket registry providing coercion functions (and catalog types when no catalog is given). */
  sockets?: SocketRegistry;
  logger?: Logger;
  /** Limits passed to `validateGraph`. */
  validation?: ValidateOptions;
  /**
   * Says whether a cached result's artifacts are gone (e.g. its output file was deleted); such a node
   * runs again. Only asked for results that have artifacts. Hosts with a file system pass one.
   */
  isStale?: (artifacts: readonly Artifact[]) => boolean;
}

export interface RunOptions {
  jobId?: string;
  signal?: AbortSignal;
  onEvent?: (event: EngineEvent) => void;
  /** Run these nodes (and what they need) instead of every active output node. */
  targets?: string[];
  services?: Partial<NodeServices>;
}

export type JobStatus = 'success' | 'failed' | 'cancelled';

export interface JobResult {
  jobId: string;
  status: JobStatus;
  durationMs: number;
  /** Artifacts by node, for nodes that produced any (run now or earlier, when cached). */
  artifacts: Record<string, Artifact[]>;
  /** Output values of the root nodes (output nodes or targets) that completed. */
  outputs: Record<string, Record<string, unknown>>;
  errors: Record<string, NodeFailure>;
  /** Node ids run in this job, in completion order. */
  executed: string[];
  /** Node ids served from the cache (or from an identical node in the same job). */
  cached: string[];
  /** Node ids not run, with the node that blocked each (failed, muted, or unavailable when bypassed). */
  skipped: Record<string, string>;
}

type Outputs = Record<string, unknown>;

const EMPTY: Artifact[] = Object.freeze([]) as unknown as Artifact[];
const PENDING = 0;
const QUEUED = 1;
const RUNNING = 2;
const DONE = 3;
const CACHED = 4;
const FAILED = 5;
const SKIPPED = 6;

/** Longest stretch of synchronous node runs before the job yields to the event loop. */
const SLICE_MS = 16;
const defer: (fn: () => void) => void =
  typeof setImmediate === 'function' ? (fn) => setImmediate(fn) : (fn) => setTimeout(fn, 0);

let jobCounter = 0;
function newId(prefix: string): string {
  const uuid = (globalThis as { crypto?: { randomUUID?: () => string } }).crypto?.randomUUID;
  return uuid
    ? uuid.call(globalThis.crypto)
    : `${prefix}-${Date.now().toString(36)}-${(++jobCounter).toString(36)}`;
}

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return (
    value !== null && typeof value === 'object' && typeof (value as { then?: unknown }).then === 'function'
  );
}

/** Wait for `work`, or stop waiting as soon as `signal` aborts (the job then resolves as cancelled). */
function untilSettledOrAborted(work: Promise<unknown>, signal: AbortSignal | undefined): Promise<unknown> {
  if (!signal) return work;
  if (signal.aborted) return Promise.resolve();
  return new Promise((resolve) => {
    const done = () => {
      signal.removeEventListener('abort', done);
      resolve(undefined);
    };
    signal.addEventListener('abort', done, { once: true });
    work.then(done, done);
  });
}

const outputNames = new WeakMap<NodeSchema, string[]>();
function outputsOf(schema: NodeSchema): string[] {
  let names = outputNames.get(schema);
  if (!names) {
    names = Object.keys(schema.outputs);
    outputNames.set(schema, names);
  }
  return names;
}

/** Throws the validation errors, if any. Explicit targets make a graph without output nodes runnable. */
function refuseInvalid(errors: ValidationError[], targets: readonly string[] | undefined): void {
  const refused = targets ? errors.filter((e) => e.code !== 'no_output_node') : errors;
  if (refused.length > 0) throw new GraphValidationError(refused);
}

/** A subgraph instance as a target stands for every node inside it. */
function targetsInside(flat: GraphDocument, targets: readonly string[]): string[] {
  return targets.flatMap((id) => {
    if (Object.hasOwn(flat.nodes, id)) return [id];
    const prefix = `${id}${INNER_SEPARATOR}`;
    const inside = Object.keys(flat.nodes).filter((n) => n.startsWith(prefix));
    return inside.length ? inside : [id];
  });
}

/**
 * Runs graph documents: validates, plans only what the output nodes need, reuses cached results by
 * content key, runs ready nodes as soon as their inputs exist (async ones overlapping up to
 * `concurrency`), isolates failures to the failing node's descendants, and cancels on an AbortSignal.
 */
export class Executor {
  readonly cache: OutputCache;
  readonly #nodes: NodeLookup;
  readonly #catalog: Catalog | undefined;
  readonly #concurrency: number;
  readonly #services: Partial<NodeServices>;
  readonly #sockets: SocketRegistry;
  readonly #logger: Logger;
  readonly #validation: ValidateOptions;
  readonly #isStale: ExecutorOptions['isStale'];
  readonly #plans = new PlanMemo();
  /** Validates changed documents incrementally against the catalog it was made for. */
  #validator: GraphValidator | undefined;
  /** The last plan made, for its targets: a document changed only in constants reuses it. */
  #last: { plan: Plan; targets: string } | undefined;
  /** Whether a document was planned against the validator's catalog (the first one goes in full). */
  #plannedOnce = false;
  /** Keys of plans whose nodes are all pure: a function of the plan alone, so a reused plan reuses them. */
  readonly #keysOfPlan = new WeakMap<Plan, KeySet>();

  constructor(options: ExecutorOptions) {
    this.#nodes = options.nodes;
    this.#catalog = options.catalog;
    this.cache = options.cache instanceof OutputCache ? options.cache : new OutputCache(options.cache);
    this.#concurrency = Math.max(1, Math.floor(options.concurrency ?? 4));
    this.#services = options.services ?? {};
    this.#sockets = options.sockets ?? new SocketRegistry();
    this.#logger = options.logger ?? consoleLogger;
    this.#validation = options.validation ?? {};
    this.#isStale = options.isStale;
  }

  /**
   * The catalog a run validates against: the given one, or one built from the types the graph uses
   * (as this executor's services show them).
   */
  catalogFor(doc: unknown): Catalog {
    if (this.#catalog) return this.#catalog;
    const nodes: Record<string, NodeSchema> = Object.create(null);
    const docNodes = (doc as { nodes?: unknown } | null)?.nodes;
    if (typeof docNodes === 'object' && docNodes !== null) {
      for (const id in docNodes) {
        const type = (docNodes as Record<string, { type?: unknown } | null>)[id]?.type;
        if (typeof type !== 'string' || type in nodes) continue;
        const def = this.#nodes.get(type);
        if (def) nodes[type] = schemaOn(def, this.#services);
      }
    }
    return { types: this.#sockets.toJSON(), nodes };
  }

  /**
   * Validate and plan without running (what a run would do, before looking at the cache). A document
   * identical to one already planned against the same catalog gets that plan back without either step.
   */
  plan(doc: GraphDocument, targets?: string[]): Plan {
    const catalog = this.#catalog;
    // A catalog built for this run alone (no catalog given) is new every time: nothing to reuse.
    if (!catalog) {
      const flat = flattenGraph(doc);
      return this.#planInFull(doc, flat, this.catalogFor(flat), targets);
    }
    if (this.#validator?.catalog !== catalog) {
      this.#validator = new GraphValidator(catalog, this.#validation);
      this.#last = undefined;
      this.#plannedOnce = false;
    }
    // The incremental validator keeps a snapshot of every node, which costs more than validating once:
    // an executor's first document (a one-off run) goes in full; the validator starts with the second.
    const errors = this.#plannedOnce ? this.#validator.validateIncrementally(doc) : undefined;
    this.#plannedOnce = true;
    if (errors) return this.#planIncrementally(doc, targets, catalog, errors);
    // The first document, or one the validator cannot take (subgraphs, values JSON cannot show exactly).
    this.#last = undefined;
    const key = PlanMemo.keyOf(doc, targets);
    const known = key === undefined ? undefined : this.#plans.get(key, catalog);
    if (known) return known;
    // Subgraph instances run as their inner nodes (ids `instance/inner`), so each inner node is planned,
    // keyed and cached like any other.
    const plan = this.#planInFull(doc, flattenGraph(doc), catalog, targets);
    if (key !== undefined) this.#plans.set(key, catalog, plan);
    return plan;
  }

  /**
   * Plan a flat document the validator compared with the last one: unchanged, it reuses the last plan;
   * changed only in constants, it re-reads those; otherwise the memo (keyed by the document's text, which
   * costs a `JSON.stringify` of it all) or planning in full.
   */
  #planIncrementally(
    doc: GraphDocument,
    targets: string[] | undefined,
    catalog: Catalog,
    errors: ValidationError[],
  ): Plan {
    refuseInvalid(errors, targets);
    // What changed since the last plan (documents refused in between included).
    const changes = this.#validator!.takeChanges();
    const at = targets ? JSON.stringify(targets) : '';
    const last = this.#last;
    // Planning may still refuse the document (an unknown target): the changes are taken, so the last
    // plan no longer describes what the validator compares with.
    this.#last = undefined;
    let plan: Plan;
    if (last && last.targets === at && !changes.structural) {
      plan = changes.changed.size === 0 ? last.plan : replanConstants(last.plan, doc, changes.changed);
    } else {
      const key = PlanMemo.keyOf(doc, targets);
      plan =
        (key === undefined ? undefined : this.#plans.get(key, catalog)) ??
        planGraph(doc, catalog, { targets, sockets: this.#sockets });
      if (key !== undefined) this.#plans.set(key, catalog, plan);
    }
    this.#last = { plan, targets: at };
    return plan;
  }

  #planInFull(doc: GraphDocument, flat: GraphDocument, catalog: Catalog, targets?: string[]): Plan {
    refuseInvalid(validateGraph(doc, catalog, this.#validation), targets);
    const inner = targets && flat !== doc ? targetsInside(flat, targets) : targets;
    return planGraph(flat, catalog, { targets: inner, sockets: this.#sockets });
  }

  #pureKeys(plan: Plan): KeySet {
    let keys = this.#keysOfPlan.get(plan);
    if (!keys) {
      keys = computeKeys(plan, newId('run'));
      this.#keysOfPlan.set(plan, keys);
    }
    return keys;
  }

  /**
   * Run a graph. Rejects only with `GraphValidationError` (invalid document); node failures and
   * cancellation resolve with status 'failed' / 'cancelled'.
   */
  async run(doc: GraphDocument, options: RunOptions = {}): Promise<JobResult> {
    const startedAt = performance.now();
    const plan = this.plan(doc, options.targets);
    const jobId = options.jobId ?? newId('job');
    const services =
      options.services === undefined ? this.#services : { ...this.#services, ...options.services };

    // Cache policies: volatile flags and fingerprints (computed up front, concurrently, from constants).
    const n = plan.nodes.length;
    const defs: (AnyNodeDefinition | undefined)[] = new Array(n);
    let policies: KeyPolicy[] | undefined;
    let preFailed: (NodeFailure | undefined)[] | undefined;
    let pending: Promise<void>[] | undefined;
    for (let i = 0; i < n; i++) {
      const node = plan.nodes[i]!;
      const def = this.#nodes.get(node.type);
      defs[i] = def;
      const policy = def ? def.cache : node.schema.cache;
      if (policy === 'pure') continue;
      policies ??= new Array(n);
      if (policy === 'volatile') {
        policies[i] = { volatile: true };
        continue;
      }
      if (typeof policy !== 'object') continue; // 'fingerprint' in a schema without its definition
      const fail = (thrown: unknown) => {
        policies![i] = { failed: true };
        preFailed ??= new Array(n);
        preFailed[i] = toFailure(thrown);
      };
      const accept = (value: unknown) => {
        if (typeof value === 'string') policies![i] = { fingerprint: value };
        else fail(new TypeError(`fingerprint() must return a string, got ${typeof value}`));
      };
      try {
        const value = policy.fingerprint({ ...node.constants });
        if (isThenable(value)) {
          pending ??= [];
          pending.push(Promise.resolve(value).then(accept, fail));
        } else accept(value);
      } catch (thrown) {
        fail(thrown);
      }
    }
    if (pending) await untilSettledOrAborted(Promise.all(pending), options.signal);

    const keys = policies ? computeKeys(plan, newId('run'), policies) : this.#pureKeys(plan);
    const job = new Job({
      plan,
      keys,
      defs,
      preFailed,
      cache: this.cache,
      isStale: this.#isStale,
      concurrency: this.#concurrency,
      jobId,
      services,
      logger: this.#logger,
      onEvent: options.onEvent,
      signal: options.signal,
      startedAt,
    });
    return job.start();
  }
}

interface JobInit {
  plan: Plan;
  keys: KeySet;
  defs: (AnyNodeDefinition | undefined)[];
  preFailed: (NodeFailure | undefined)[] | undefined;
  cache: OutputCache;
  isStale: ExecutorOptions['isStale'];
  concurrency: number;
  jobId: string;
  services: Partial<NodeServices>;
  logger: Logger;
  onEvent: ((event: EngineEvent) => void) | undefined;
  signal: AbortSignal | undefined;
  startedAt: number;
}

/** One run of a plan. Node state lives in flat arrays indexed by plan position. */
class Job implements ContextHost {
  readonly jobId: string;
  readonly services: Partial<NodeServices>;
  readonly logger: Logger;
  readonly signal: AbortSignal;
  readonly #abort = new AbortController();
  readonly #init: JobInit;
  readonly #plan: Plan;
  readonly #onEvent: ((event: EngineEvent) => void) | undefined;
  readonly #state: Uint8Array;
  readonly #needed: Uint8Array;
  readonly #waiting: Int32Array;
  readonly #values: (Outputs | undefined)[];
  readonly #artifacts: (Artifact[] | undefined)[];
  readonly #queue: Int32Array;
  #head = 0;
  #tail = 0;
  #running = 0;
  #remaining = 0;
  #pumping = false;
  #yielding = false;
  #finished = false;
  /** Nodes whose key duplicates an earlier node's in this job: they take that node's result. */
  #aliases: Map<number, number[]> | undefined;
  readonly #executed: string[] = [];
  readonly #cached: string[] = [];
  readonly #errors: Record<string, NodeFailure> = {};
  readonly #skipped: Record<string, string> = {};
  #resolve!: (result: JobResult) => void;
  readonly #onAbort = () => this.#cancel();

  constructor(init: JobInit) {
    this.#init = init;
    this.#plan = init.plan;
    this.jobId = init.jobId;
    this.services = init.services;
    this.logger = init.logger;
    this.signal = this.#abort.signal;
    this.#onEvent = init.onEvent;
    const n = init.plan.nodes.length;
    this.#state = new Uint8Array(n);
    this.#needed = new Uint8Array(n);
    this.#waiting = new Int32Array(n);
    this.#values = new Array(n);
    this.#artifacts = new Array(n);
    this.#queue = new Int32Array(n);
  }

  start(): Promise<JobResult> {
    const promise = new Promise<JobResult>((resolve) => {
      this.#resolve = resolve;
    });
    const external = this.#init.signal;
    if (external?.aborted) {
      this.#cancel();
      return promise;
    }
    external?.addEventListener('abort', this.#onAbort, { once: true });
    this.#prepare();
    this.#pump();
    return promise;
  }

  /** Work out what must run: walk back from the roots, stopping at cache hits and in-job duplicates. */
  #prepare(): void {
    const { plan } = this;
    const keys = this.#init.keys;
    const volatile = keys.volatile;
    const cache = this.#init.cache;
    const preFailed = this.#init.preFailed;
    const nodes = plan.nodes;
    const needed = this.#needed;
    const state = this.#state;
    const claimed = new Map<string, number>();
    const stack: number[] = [];
    for (const r of plan.roots) {
      if (!needed[r]) {
        needed[r] = 1;
        stack.push(r);
      }
    }
    while (stack.length > 0) {
      const i = stack.pop()!;
      if (preFailed?.[i]) continue; // fails when dequeued; its inputs are not needed
      const key = keys.key(i);
      if (key !== undefined) {
        if (!volatile[i]) {
          const hit = cache.get(key);
          if (hit && !(hit.artifacts.length > 0 && this.#init.isStale?.(hit.artifacts))) {
            state[i] = CACHED;
            this.#values[i] = hit.outputs;
            this.#artifacts[i] = hit.artifacts;
            continue;
          }
        }
        const first = claimed.get(key);
        if (first !== undefined) {
          this.#aliases ??= new Map();
          const list = this.#aliases.get(first);
          if (list) list.push(i);
          else this.#aliases.set(first, [i]);
          this.#waiting[i] = -1; // marks an alias: resolved by its twin, never by its links
          continue;
        }
        claimed.set(key, i);
      }
      for (const l of nodes[i]!.links) {
        if (!needed[l.source]) {
          needed[l.source] = 1;
          stack.push(l.source);
        }
      }
    }

    const planned: string[] = [];
    for (const s of plan.skipped) planned.push(s.id);
    for (let i = 0; i < nodes.length; i++) if (needed[i]) planned.push(nodes[i]!.id);
    if (this.#onEvent) this.#emit({ type: 'job:started', jobId: this.jobId, at: Date.now(), planned });

    for (const s of plan.skipped) {
      this.#skipped[s.id] = s.blockedBy;
      if (this.#onEvent) {
        this.#emit({
          type: 'node:skipped',
          jobId: this.jobId,
          nodeId: s.id,
          nodeType: s.type,
          at: Date.now(),
          blockedBy: s.blockedBy,
        });
      }
    }

    for (let i = 0; i < nodes.length; i++) {
      if (!needed[i]) continue;
      if (state[i] === CACHED) {
        // Dependents' waiting counts below already leave cached producers out.
        this.#cachedNode(i, false);
        continue;
      }
      this.#remaining++;
      if (this.#waiting[i] === -1) continue;
      let waiting = 0;
      if (!preFailed?.[i]) {
        for (const l of nodes[i]!.links) if (state[l.source] !== CACHED) waiting++;
      }
      this.#waiting[i] = waiting;
      if (waiting === 0) this.#enqueue(i);
    }
  }

  get plan(): Plan {
    return this.#plan;
  }

  #enqueue(i: number): void {
    this.#state[i] = QUEUED;
    this.#queue[this.#tail++] = i;
  }

  #pump(): void {
    if (this.#pumping) return;
    this.#pumping = true;
    const limit = this.#init.concurrency;
    const start = performance.now();
    let started = 0;
    while (!this.#finished && this.#head < this.#tail && this.#running < limit) {
      // Long runs of synchronous nodes yield now and then, so I/O and cancellation get a turn.
      if ((++started & 255) === 0 && performance.now() - start > SLICE_MS) {
        this.#yieldSoon();
        break;
      }
      this.#startNode(this.#queue[this.#head++]!);
    }
    this.#pumping = false;
    if (!this.#finished && this.#remaining === 0) this.#finish();
  }

  #yieldSoon(): void {
    if (this.#yielding) return;
    this.#yielding = true;
    defer(() => {
      this.#yielding = false;
      this.#pump();
    });
  }

  #startNode(i: number): void {
    const node = this.#plan.nodes[i]!;
    const pre = this.#init.preFailed?.[i];
    if (pre) {
      this.#failNode(i, pre, 0);
      return;
    }
    const def = this.#init.defs[i];
    if (!def) {
      this.#failNode(
        i,
        { name: 'UnknownNodeType', message: `No implementation for node type "${node.type}"` },
        0,
      );
      return;
    }
    this.#state[i] = RUNNING;
    if (this.#onEvent) {
      this.#emit({
        type: 'node:started',
        jobId: this.jobId,
        nodeId: node.id,
        nodeType: node.type,
        at: Date.now(),
      });
    }
    const inputs: Record<string, unknown> = { ...node.constants };
    const links = node.links;
    for (let k = 0; k < links.length; k++) {
      const l = links[k]!;
      const value = this.#values[l.source]![l.output];
      inputs[l.input] = l.convert === undefined ? value : l.convert(value);
    }
    const ctx = new RunContext(this, i, node.id);
    this.#running++;
    const t0 = performance.now();
    let result: unknown;
    try {
      result = def.run(inputs, ctx);
    } catch (thrown) {
      this.#running--;
      this.#failNode(i, toFailure(thrown), performance.now() - t0);
      return;
    }
    if (isThenable(result)) {
      result.then(
        (value) => this.#settled(i, value, undefined, t0),
        (thrown: unknown) => this.#settled(i, undefined, thrown ?? new Error('Node rejected'), t0),
      );
      return;
    }
    this.#running--;
    this.#completeNode(i, result, performance.now() - t0);
  }

  #settled(i: number, value: unknown, thrown: unknown, t0: number): void {
    this.#running--;
    if (this.#finished) return;
    const duration = performance.now() - t0;
    if (thrown !== undefined) this.#failNode(i, toFailure(thrown), duration);
    else this.#completeNode(i, value, duration);
    this.#pump();
  }

  #completeNode(i: number, result: unknown, durationMs: number): void {
    if (this.#finished) return;
    const node = this.#plan.nodes[i]!;
    const names = outputsOf(node.schema);
    let outputs: Outputs;
    if (typeof result === 'object' && result !== null) {
      outputs = result as Outputs;
      for (let k = 0; k < names.length; k++) {
        if (!(names[k]! in outputs)) {
          this.#failNode(
            i,
            {
              name: 'MissingOutput',
              message: `Node "${node.id}" (${node.type}) did not return its output "${names[k]}"`,
            },
            durationMs,
          );
          return;
        }
      }
    } else if (result === undefined && names.length === 0) {
      outputs = {};
    } else {
      this.#failNode(
        i,
        {
          name: 'InvalidOutput',
          message: `Node "${node.id}" (${node.type}) returned ${result === null ? 'null' : typeof result}; expected an object with outputs ${names.map((n) => `"${n}"`).join(', ') || '(none)'}`,
        },
        durationMs,
      );
      return;
    }
    const artifacts = this.#artifacts[i] ?? EMPTY;
    const wrong = checkOutputs(node.id, node.schema, outputs, artifacts);
    if (wrong) {
      this.#failNode(i, wrong, durationMs);
      return;
    }
    this.#values[i] = outputs;
    this.#state[i] = DONE;
    this.#executed.push(node.id);
    const key = this.#init.keys.key(i);
    if (key !== undefined && !this.#init.keys.volatile[i]) this.#init.cache.set(key, outputs, artifacts);
    if (this.#onEvent) {
      this.#emit({
        type: 'node:done',
        jobId: this.jobId,
        nodeId: node.id,
        nodeType: node.type,
        at: Date.now(),
        durationMs,
        artifacts,
      });
    }
    this.#remaining--;
    this.#release(i);
  }

  /** A finished node's dependents may become ready; its in-job duplicates take its result. */
  #release(i: number): void {
    const nodes = this.#plan.nodes;
    const state = this.#state;
    const needed = this.#needed;
    const waiting = this.#waiting;
    const deps = nodes[i]!.dependents;
    for (let k = 0; k < deps.length; k++) {
      const d = deps[k]!;
      if (needed[d] && state[d] === PENDING && waiting[d]! > 0 && --waiting[d]! === 0) this.#enqueue(d);
    }
    const twins = this.#aliases?.get(i);
    if (twins) {
      for (const t of twins) {
        this.#values[t] = this.#values[i];
        this.#artifacts[t] = this.#artifacts[i];
        this.#remaining--;
        this.#cachedNode(t, true);
      }
    }
  }

  #cachedNode(i: number, release: boolean): void {
    const node = this.#plan.nodes[i]!;
    this.#state[i] = CACHED;
    this.#cached.push(node.id);
    if (this.#onEvent) {
      this.#emit({
        type: 'node:cached',
        jobId: this.jobId,
        nodeId: node.id,
        nodeType: node.type,
        at: Date.now(),
        artifacts: this.#artifacts[i] ?? EMPTY,
      });
    }
    if (release) this.#release(i);
  }

  #failNode(i: number, error: NodeFailure, durationMs: number): void {
    if (this.#finished) return;
    const nodes = this.#plan.nodes;
    const node = nodes[i]!;
    this.#state[i] = FAILED;
    this.#errors[node.id] = error;
    this.#remaining--;
    if (this.#onEvent) {
      this.#emit({
        type: 'node:failed',
        jobId: this.jobId,
        nodeId: node.id,
        nodeType: node.type,
        at: Date.now(),
        durationMs,
        error,
      });
    }
    // Everything downstream that was waiting on it is skipped; independent branches carry on.
    const stack = [i];
    while (stack.length > 0) {
      const j = stack.pop()!;
      const blocked = [...nodes[j]!.dependents, ...(this.#aliases?.get(j) ?? [])];
      for (const d of blocked) {
        if (!this.#needed[d] || this.#state[d] !== PENDING) continue;
        this.#state[d] = SKIPPED;
        this.#remaining--;
        const dn = nodes[d]!;
        this.#skipped[dn.id] = node.id;
        if (this.#onEvent) {
          this.#emit({
            type: 'node:skipped',
            jobId: this.jobId,
            nodeId: dn.id,
            nodeType: dn.type,
            at: Date.now(),
            blockedBy: node.id,
          });
        }
        stack.push(d);
      }
    }
  }

  #cancel(): void {
    if (this.#finished) return;
    this.#abort.abort(this.#init.signal?.reason);
    this.#finish(true);
  }

  #finish(cancelled = false): void {
    this.#finished = true;
    this.#init.signal?.removeEventListener('abort', this.#onAbort);
    const durationMs = performance.now() - this.#init.startedAt;
    const status = Object.keys(this.#errors).length > 0 ? 'failed' : 'success';
    const outputs: Record<string, Outputs> = {};
    const artifacts: Record<string, Artifact[]> = {};
    const nodes = this.#plan.nodes;
    for (const r of this.#plan.roots) {
      const s = this.#state[r];
      if (this.#needed[r] && (s === DONE || s === CACHED)) outputs[nodes[r]!.id] = this.#values[r]!;
    }
    for (let i = 0; i < nodes.length; i++) {
      const a = this.#artifacts[i];
      const s = this.#state[i];
      if (a && a.length > 0 && (s === DONE || s === CACHED)) artifacts[nodes[i]!.id] = a;
    }
    if (this.#onEvent) {
      if (cancelled)
        this.#emit({ type: 'job:cancelled', jobId: this.jobId, at: Date.now(), durationMs }, true);
      else this.#emit({ type: 'job:finished', jobId: this.jobId, at: Date.now(), durationMs, status }, true);
    }
    this.#resolve({
      jobId: this.jobId,
      status: cancelled ? 'cancelled' : status,
      durationMs,
      artifacts,
      outputs,
      errors: this.#errors,
      executed: this.#executed,
      cached: this.#cached,
      skipped: this.#skipped,
    });
  }

  #emit(event: EngineEvent, final = false): void {
    if (this.#finished && !final) return;
    try {
      this.#onEvent!(event);
    } catch (err) {
      this.logger.error(`[job ${this.jobId}] event listener threw on ${event.type}`, err);
    }
  }

  // ContextHost: what a running node's ctx reaches.
  nodeProgress(i: number, step: number, total: number): void {
    if (this.#finished || !this.#onEvent || this.#state[i] !== RUNNING) return;
    const node = this.#plan.nodes[i]!;
    this.#emit({
      type: 'node:progress',
      jobId: this.jobId,
      nodeId: node.id,
      nodeType: node.type,
      at: Date.now(),
      step,
      total,
    });
  }

  nodePreview(i: number, preview: Preview): void {
    if (this.#finished || !this.#onEvent || this.#state[i] !== RUNNING) return;
    const node = this.#plan.nodes[i]!;
    this.#emit({
      type: 'node:preview',
      jobId: this.jobId,
      nodeId: node.id,
      nodeType: node.type,
      at: Date.now(),
      preview,
    });
  }

  nodeArtifact(i: number, artifact: Artifact): void {
    if (this.#state[i] !== RUNNING) return; // a node's artifacts are sealed once it finishes
    const list = this.#artifacts[i];
    if (list) list.push(artifact);
    else this.#artifacts[i] = [artifact];
  }
}
