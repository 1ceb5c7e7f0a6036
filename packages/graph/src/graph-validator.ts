/**
 * Incremental validation: validating a document again after an edit re-checks only the nodes that differ
 * from their snapshot, and the nodes whose input rules read them (link sources, model-rule hops upstream),
 * then puts the errors together in the order `validateGraph` gives them. Results always equal
 * `validateGraph` on the same document; a document that is not exactly its JSON text (undefined, NaN, a
 * Map …) or a validator error falls back to validating from scratch.
 */
import type { Catalog } from './catalog';
import { Collector, isPlainObject, type Obj, own } from './check-helpers';
import { type GraphDocument, subgraphIdOf } from './document';
import type { ValidationError } from './errors';
import { JsonObject, type JsonSnapshot, type Snapshotted, sameJson, snapshotJson } from './json-snapshot';
import { migrateGraph } from './migrate';
import { checkInputs, type NodeInfo, readNode } from './node-checks';
import { hasSubgraphInstances } from './subgraphs';
import {
  catalogTypes,
  checkDocMeta,
  checkDocPacks,
  checkDocument,
  checkOutputs,
  MAX_DEPTH,
  reportCycles,
  type ValidateOptions,
  validateGraph,
} from './validate';

interface NodeRecord {
  /** The node as it was when last read. */
  copy: JsonSnapshot;
  /** At least the bytes the node adds to the document's JSON text, its key included. */
  upper: number;
  info: NodeInfo;
  readErrors: ValidationError[];
  inputErrors: ValidationError[];
  /** The nodes its links come from (the edges cycles are found over). */
  ups: NodeInfo[];
  /** Ids its input checks looked up, found or not: a change to any of them re-checks this node. */
  reads: string[];
  pass: number;
}

/** What changed between documents, accumulated until `takeChanges`. */
export interface GraphChanges {
  /** Nodes whose content changed, appeared or went. */
  changed: Set<string>;
  /**
   * More than constant input values changed: a node was added, removed or reordered, or a node's type,
   * mode or links changed (or the validator started over).
   */
  structural: boolean;
}

/** The document apart from its nodes, as last read: what lets a re-read skip the document checks. */
interface TopRecord {
  keys: string[];
  /** Snapshots by key; undefined for `nodes`. */
  values: (JsonSnapshot | undefined)[];
  /** The document-level errors it had (those that do not stop validation). */
  errors: ValidationError[];
  upper: number;
  maxBytes: number;
}

/** The nodes read again this pass, and what went. */
interface Reading {
  ids: string[];
  changed: string[];
  gone: string[];
  structural: boolean;
  docErrors: ValidationError[];
}

const NONE: ValidationError[] = [];
/** A node sits two levels down: document, `nodes`, node. */
const NODE_DEPTH = 2;

export class GraphValidator {
  readonly #records = new Map<string, NodeRecord>();
  /** id → the nodes whose input checks read it. */
  readonly #readers = new Map<string, Set<string>>();
  #ids: string[] = [];
  /** The records in document order (`#ids`). */
  #recs: NodeRecord[] = [];
  #top: TopRecord | undefined;
  /** The last result, for a document that turns out unchanged. */
  #errors: ValidationError[] = NONE;
  #upper = 0;
  #cycles: ValidationError[] = NONE;
  #pass = 0;
  #changes: GraphChanges = { changed: new Set(), structural: true };
  /** How many nodes the last `validate` read again and re-checked the inputs of (for tests and benches). */
  lastWork = { read: 0, inputs: 0 };

  constructor(
    readonly catalog: Catalog,
    readonly options: ValidateOptions = {},
  ) {}

  /** Validate `doc`; the same result as `validateGraph(doc, catalog, options)`. */
  validate(doc: unknown): ValidationError[] {
    return this.validateIncrementally(doc) ?? validateGraph(doc, this.catalog, this.options);
  }

  /**
   * Validate `doc` against what the last call read, or undefined when it must be validated from scratch
   * (subgraphs, a value its JSON text does not show exactly, an internal error); the validator then
   * starts over.
   */
  validateIncrementally(doc: unknown): ValidationError[] | undefined {
    try {
      const errors = this.#validate(doc);
      if (errors) return errors;
    } catch {
      // Whatever it was, validating from scratch reports it the way validateGraph does.
    }
    this.#reset();
    this.lastWork = { read: -1, inputs: -1 };
    return undefined;
  }

  /** What changed since the last call (or since the validator was made). */
  takeChanges(): GraphChanges {
    const changes = this.#changes;
    this.#changes = { changed: new Set(), structural: false };
    return changes;
  }

  #reset(): void {
    this.#records.clear();
    this.#readers.clear();
    this.#ids = [];
    this.#recs = [];
    this.#top = undefined;
    this.#errors = NONE;
    this.#upper = 0;
    this.#cycles = NONE;
    this.#changes = { changed: new Set(), structural: true };
  }

  /** The errors, or undefined to start over from scratch. */
  #validate(input: unknown): ValidationError[] | undefined {
    const doc = migrateGraph(input);
    const reading = this.#readChanged(doc);
    if (reading === null) {
      this.lastWork = { read: 0, inputs: 0 };
      return this.#errors.slice();
    }
    const read = reading ?? this.#readAll(doc);
    if (!read || Array.isArray(read)) return read;
    const errors = this.#check(doc as Obj, read);
    this.#errors = errors;
    return errors.slice();
  }

  /**
   * The fast way, for a document that has the same top-level fields and node ids as the last one read
   * (the common edit): compare each node with its snapshot and read again only those that differ. Null
   * when nothing differs; undefined when the document must be read in full.
   */
  #readChanged(doc: unknown): Reading | null | undefined {
    const top = this.#top;
    if (!top || !isPlainObject(doc)) return undefined;
    let i = 0;
    for (const k in doc) {
      if (i === top.keys.length || top.keys[i] !== k || !Object.hasOwn(doc, k)) return undefined;
      const snap = top.values[i];
      if (snap === undefined ? !isPlainObject(doc[k]) : !sameJson(doc[k], snap)) return undefined;
      i++;
    }
    if (i !== top.keys.length) return undefined;
    const nodes = doc.nodes as Obj;
    const ids = this.#ids;
    const recs = this.#recs;
    // Object.keys, not for…in: a large nodes object is a hash table, and for…in reads it far slower.
    const keys = Object.keys(nodes);
    if (keys.length !== ids.length) return undefined;
    for (let j = 0; j < keys.length; j++) if (keys[j] !== ids[j]) return undefined;
    const at: number[] = [];
    for (let j = 0; j < keys.length; j++) if (!sameJson(nodes[keys[j]!], recs[j]!.copy)) at.push(j);
    if (at.length === 0) return null;
    // Snapshot the changed nodes before touching any state, so that any doubt still reads in full.
    const snaps: Snapshotted[] = [];
    let upper = this.#upper;
    for (const k of at) {
      const raw = nodes[ids[k]!];
      const snap = snapshotJson(raw, NODE_DEPTH, MAX_DEPTH);
      if (!snap || subgraphIdOf(isPlainObject(raw) ? own(raw, 'type') : undefined) !== undefined) {
        return undefined;
      }
      snap.upper += keyUpper(ids[k]!);
      upper += snap.upper - recs[k]!.upper;
      snaps.push(snap);
    }
    // Near the size limit the exact size decides, which only the full read counts.
    if (upper > top.maxBytes) return undefined;
    this.#upper = upper;
    const pass = ++this.#pass;
    const changed: string[] = [];
    let structural = false;
    for (let s = 0; s < at.length; s++) {
      const k = at[s]!;
      const id = ids[k]!;
      const rec = recs[k]!;
      const info = this.#reread(rec, id, nodes[id], k, snaps[s]!, pass);
      if (!sameShape(rec.copy, info)) structural = true;
      this.#store(rec, info, snaps[s]!);
      changed.push(id);
    }
    return { ids, changed, gone: [], structural, docErrors: top.errors };
  }

  /** Read the whole document: the document checks, then every node whose snapshot differs. */
  #readAll(doc: unknown): Reading | ValidationError[] | undefined {
    const c = new Collector();
    const parts = checkDocument(doc, this.options, c, true);
    // A document-level error ends validation before any node is read: node state stays as it was.
    if (!parts) return c.errors;
    if (parts.lossy) return undefined;
    // Subgraphs are expanded before their nodes are checked: validated from scratch.
    if (own(doc as Obj, 'definitions') !== undefined) return undefined;
    if (parts.nodes && hasSubgraphInstances(doc as GraphDocument)) return undefined;
    const { nodes, ids } = parts;
    // Only a document with a nodes object can be compared node by node next time.
    this.#top = nodes ? topRecord(doc as Obj, c.errors.slice(), parts.maxBytes) : undefined;
    if (nodes && !this.#top) return undefined;
    const records = this.#records;
    const pass = ++this.#pass;
    const changed: string[] = [];
    let structural = ids.length !== this.#ids.length;
    let upper = this.#top?.upper ?? 0;
    const recs: NodeRecord[] = new Array(ids.length);

    for (let i = 0; i < ids.length; i++) {
      const id = ids[i]!;
      const raw = (nodes as Obj)[id];
      const rec = records.get(id);
      if (rec && sameJson(raw, rec.copy)) {
        rec.pass = pass;
        rec.info.index = i;
        recs[i] = rec;
        upper += rec.upper;
        continue;
      }
      const snap = snapshotJson(raw, NODE_DEPTH, MAX_DEPTH);
      if (!snap) return undefined;
      snap.upper += keyUpper(id);
      upper += snap.upper;
      changed.push(id);
      if (rec) {
        const info = this.#reread(rec, id, raw, i, snap, pass);
        if (!sameShape(rec.copy, info)) structural = true;
        this.#store(rec, info, snap);
        recs[i] = rec;
      } else {
        structural = true;
        const { info, readErrors } = this.#read(id, raw, i);
        const fresh: NodeRecord = {
          copy: snap.snapshot,
          upper: snap.upper,
          info,
          readErrors,
          inputErrors: NONE,
          ups: [],
          reads: [],
          pass,
        };
        records.set(id, fresh);
        recs[i] = fresh;
      }
    }
    const gone: string[] = [];
    if (records.size > ids.length) {
      for (const [id, rec] of records) if (rec.pass !== pass) gone.push(id);
      for (const id of gone) {
        this.#unindex(id, records.get(id)!.reads);
        records.delete(id);
      }
      structural = true;
    }
    if (!structural) {
      const before = this.#ids;
      for (let i = 0; i < ids.length; i++) {
        if (ids[i] !== before[i]) {
          structural = true;
          break;
        }
      }
    }
    this.#ids = ids;
    this.#recs = recs;
    this.#upper = upper;
    return { ids, changed, gone, structural, docErrors: c.errors };
  }

  /** Check one node's own fields. */
  #read(id: string, raw: unknown, index: number): { info: NodeInfo; readErrors: ValidationError[] } {
    const rc = new Collector();
    const info = readNode(id, raw, this.catalog, rc);
    info.index = index;
    return { info, readErrors: rc.errors.length ? rc.errors : NONE };
  }

  /** Check a known node's own fields again; the new info goes on the record with `#store`. */
  #reread(rec: NodeRecord, id: string, raw: unknown, index: number, snap: Snapshotted, pass: number) {
    const { info, readErrors } = this.#read(id, raw, index);
    rec.readErrors = readErrors;
    rec.pass = pass;
    rec.upper = snap.upper;
    return info;
  }

  /** After `sameShape` compared the new info with the old snapshot. */
  #store(rec: NodeRecord, info: NodeInfo, snap: Snapshotted): void {
    rec.info = info;
    rec.copy = snap.snapshot;
  }

  /** Re-check what the changes reach, then put the errors together in validateGraph's order. */
  #check(doc: Obj, read: Reading): ValidationError[] {
    const { ids, changed, gone, structural } = read;
    const records = this.#records;
    // Re-check the inputs of changed nodes and of every node whose rules read a changed one.
    const dirty = new Set(changed);
    for (const list of [changed, gone]) {
      for (const id of list) {
        const readers = this.#readers.get(id);
        if (readers) for (const r of readers) if (records.has(r)) dirty.add(r);
      }
    }
    const types = catalogTypes(this.catalog);
    let edgesChanged = structural;
    for (const id of dirty) {
      const rec = records.get(id)!;
      const reads: string[] = [];
      const lookup = (src: string) => {
        reads.push(src);
        return records.get(src)?.info;
      };
      const ups: NodeInfo[] = [];
      const rc = new Collector();
      checkInputs(rec.info, lookup, types, ups, rc);
      if (!edgesChanged && !sameIds(rec.ups, ups)) edgesChanged = true;
      this.#unindex(id, rec.reads);
      for (const src of reads) {
        const readers = this.#readers.get(src);
        if (readers) readers.add(id);
        else this.#readers.set(src, new Set([id]));
      }
      rec.ups = ups;
      rec.reads = reads;
      rec.inputErrors = rc.errors.length ? rc.errors : NONE;
    }
    this.lastWork = { read: changed.length, inputs: dirty.size };

    const recs = this.#recs;
    const infos: NodeInfo[] = new Array(ids.length);
    for (let i = 0; i < ids.length; i++) infos[i] = recs[i]!.info;
    if (edgesChanged) {
      const adj = recs.map((rec) => rec.ups.map((u) => u.index));
      const cc = new Collector();
      reportCycles(ids, adj, cc);
      this.#cycles = cc.errors;
    }

    // Put the errors together in validateGraph's order.
    const c = new Collector();
    const errors = c.errors;
    for (const e of read.docErrors) errors.push(e);
    for (const rec of recs) for (const e of rec.readErrors) errors.push(e);
    checkDocMeta(own(doc, 'meta'), ids, c);
    checkDocPacks(own(doc, 'packs'), c);
    for (const rec of recs) for (const e of rec.inputErrors) errors.push(e);
    for (const e of this.#cycles) errors.push(e);
    if (isPlainObject(own(doc, 'nodes'))) checkOutputs(infos, c);

    for (const id of changed) this.#changes.changed.add(id);
    for (const id of gone) this.#changes.changed.add(id);
    if (structural || edgesChanged) this.#changes.structural = true;
    return errors;
  }

  #unindex(id: string, reads: readonly string[]): void {
    for (const src of reads) {
      const readers = this.#readers.get(src);
      if (!readers) continue;
      readers.delete(id);
      if (readers.size === 0) this.#readers.delete(src);
    }
  }
}

/** Upper bound of a node's key in the nodes object: quotes, escapes, colon and comma. */
function keyUpper(id: string): number {
  return 6 * id.length + 4;
}

/** Snapshots of the document's fields other than `nodes`; undefined if one is not plain JSON data. */
function topRecord(doc: Obj, errors: ValidationError[], maxBytes: number): TopRecord | undefined {
  const keys = Object.keys(doc);
  const values: (JsonSnapshot | undefined)[] = new Array(keys.length);
  let upper = 2;
  for (let i = 0; i < keys.length; i++) {
    const k = keys[i]!;
    upper += keyUpper(k);
    if (k === 'nodes') {
      upper += 2;
      continue;
    }
    const snap = snapshotJson(doc[k], 1, MAX_DEPTH);
    if (!snap) return undefined;
    values[i] = snap.snapshot;
    upper += snap.upper;
  }
  return { keys, values, errors, upper, maxBytes };
}

/**
 * Same type, mode and links as the node had when last read: what a plan's structure depends on
 * (constants may differ). Read from the snapshot, since an editor may change the node object in place.
 */
function sameShape(old: JsonSnapshot, b: NodeInfo): boolean {
  if (!(old instanceof JsonObject) || !b.inputs || b.foreignOutputs) return false;
  if (old.get('type') !== b.type || old.get('mode') !== b.mode || old.get('foreign') !== undefined) {
    return false;
  }
  const inputs = old.get('inputs');
  if (!(inputs instanceof JsonObject)) return false;
  const now = b.inputs;
  let links = 0;
  for (let i = 0; i < inputs.keys.length; i++) {
    const v = inputs.values[i];
    if (!Array.isArray(v)) continue;
    links++;
    const w = own(now, inputs.keys[i]!);
    if (!Array.isArray(w) || w.length !== v.length) return false;
    for (let k = 0; k < v.length; k++) if (v[k] !== w[k]) return false;
  }
  for (const name in now) if (Array.isArray(now[name])) links--;
  return links === 0;
}

function sameIds(a: readonly NodeInfo[], b: readonly NodeInfo[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i]!.id !== b[i]!.id) return false;
  return true;
}
