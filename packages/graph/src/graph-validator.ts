/**
 * Incremental validation: validating a document again after an edit re-checks only the nodes whose JSON
 * text changed, and the nodes whose input rules read them (link sources, model-rule hops upstream),
 * then puts the errors together in the order `validateGraph` gives them. Results always equal
 * `validateGraph` on the same document; a document that is not exactly its JSON text (undefined, NaN, a
 * Map …) or a validator error falls back to validating from scratch.
 */

import type { Catalog } from './catalog';
import { Collector, isPlainObject, type Obj, own } from './check-helpers';
import type { ValidationError } from './errors';
import { migrateGraph } from './migrate';
import { checkInputs, type NodeInfo, readNode } from './node-checks';
import {
  catalogTypes,
  checkDocMeta,
  checkDocPacks,
  checkDocument,
  checkOutputs,
  reportCycles,
  type ValidateOptions,
  validateGraph,
} from './validate';

interface NodeRecord {
  /** The node's JSON text when it was last read. */
  text: string;
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

const NONE: ValidationError[] = [];

export class GraphValidator {
  readonly #records = new Map<string, NodeRecord>();
  /** id → the nodes whose input checks read it. */
  readonly #readers = new Map<string, Set<string>>();
  #ids: string[] = [];
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
    try {
      const errors = this.#validate(doc);
      if (errors) return errors;
    } catch {
      // Whatever it was, validating from scratch reports it the way validateGraph does.
    }
    this.#reset();
    this.lastWork = { read: -1, inputs: -1 };
    return validateGraph(doc, this.catalog, this.options);
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
    this.#cycles = NONE;
    this.#changes = { changed: new Set(), structural: true };
  }

  /** The errors, or undefined to start over from scratch. */
  #validate(doc: unknown): ValidationError[] | undefined {
    const c = new Collector();
    // As `validateGraph` does: an older version is read as the current one.
    const parts = checkDocument(migrateGraph(doc), this.options, c, true);
    // A document-level error ends validation before any node is read: node state stays as it was.
    if (!parts) return c.errors;
    if (parts.lossy) return undefined;
    const { nodes, ids } = parts;
    const records = this.#records;
    const pass = ++this.#pass;
    const changed: string[] = [];
    let structural = ids.length !== this.#ids.length;

    for (let i = 0; i < ids.length; i++) {
      const id = ids[i]!;
      const raw = (nodes as Obj)[id];
      const text = JSON.stringify(raw);
      const rec = records.get(id);
      if (rec && rec.text === text) {
        rec.pass = pass;
        rec.info.index = i;
        continue;
      }
      const rc = new Collector();
      const info = readNode(id, raw, this.catalog, rc);
      info.index = i;
      changed.push(id);
      if (rec) {
        if (!sameShape(rec.text, info)) structural = true;
        rec.text = text;
        rec.info = info;
        rec.readErrors = rc.errors.length ? rc.errors : NONE;
        rec.pass = pass;
      } else {
        structural = true;
        const fresh = { text, info, readErrors: rc.errors, inputErrors: NONE, ups: [], reads: [], pass };
        if (!rc.errors.length) fresh.readErrors = NONE;
        records.set(id, fresh);
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

    const infos: NodeInfo[] = new Array(ids.length);
    for (let i = 0; i < ids.length; i++) infos[i] = records.get(ids[i]!)!.info;
    if (edgesChanged) {
      const adj = infos.map((info) => records.get(info.id)!.ups.map((u) => u.index));
      const cc = new Collector();
      reportCycles(ids, adj, cc);
      this.#cycles = cc.errors;
    }

    // Put the errors together in validateGraph's order.
    const errors = c.errors;
    for (const id of ids) for (const e of records.get(id)!.readErrors) errors.push(e);
    checkDocMeta(own(doc as Obj, 'meta'), ids, c);
    checkDocPacks(own(doc as Obj, 'packs'), c);
    for (const id of ids) for (const e of records.get(id)!.inputErrors) errors.push(e);
    for (const e of this.#cycles) errors.push(e);
    if (nodes) checkOutputs(infos, c);

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

/**
 * Same type, mode and links as the node's JSON text before: what a plan's structure depends on
 * (constants may differ). Read from the old text, since an editor may change the node object in place.
 */
function sameShape(oldText: string, b: NodeInfo): boolean {
  const a: unknown = JSON.parse(oldText);
  if (!isPlainObject(a) || !b.inputs || b.foreignOutputs) return false;
  if (own(a, 'type') !== b.type || own(a, 'mode') !== b.mode || own(a, 'foreign') !== undefined) return false;
  const inputs = own(a, 'inputs');
  if (!isPlainObject(inputs)) return false;
  for (const [x, y] of [
    [inputs, b.inputs],
    [b.inputs, inputs],
  ] as const) {
    for (const name of Object.keys(x)) {
      const v = x[name];
      if (!Array.isArray(v)) continue;
      const w = own(y, name);
      if (!Array.isArray(w) || w.length !== v.length) return false;
      for (let i = 0; i < v.length; i++) if (v[i] !== w[i]) return false;
    }
  }
  return true;
}

function sameIds(a: readonly NodeInfo[], b: readonly NodeInfo[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i]!.id !== b[i]!.id) return false;
  return true;
}
