// How `reelgraph run` shows a job while it runs: plain lines for logs and pipes, a live view on a terminal.
import type { EngineEvent } from '@reelgraph/executor';

export interface RunDisplay {
  handle(event: EngineEvent): void;
  /** Stop animating and leave the final state on screen. */
  finish(): void;
}

type Out = NodeJS.WritableStream & { columns?: number; rows?: number };

/** What to call a node: its editor title when it has one, else its id. */
export type NodeLabels = (nodeId: string) => string;

const PROGRESS_EVERY_MS = 1000;

/** One line per event. Progress is thinned out to a line a second per node (and its last step). */
export class PlainDisplay implements RunDisplay {
  readonly #lastProgress = new Map<string, number>();

  constructor(
    private readonly out: Out,
    private readonly label: NodeLabels,
  ) {}

  handle(e: EngineEvent): void {
    const line = this.#line(e);
    if (line !== undefined) this.out.write(`${line}\n`);
  }

  #line(e: EngineEvent): string | undefined {
    const at = 'nodeId' in e ? `[${this.label(e.nodeId)}] ${e.nodeType}` : '';
    switch (e.type) {
      case 'job:started':
        return `job ${e.jobId} started: ${e.planned.length} node${e.planned.length === 1 ? '' : 's'} to run`;
      case 'node:started':
        return `${at} started`;
      case 'node:progress': {
        const now = Date.now();
        const last = this.#lastProgress.get(e.nodeId) ?? 0;
        if (e.step < e.total && now - last < PROGRESS_EVERY_MS) return undefined;
        this.#lastProgress.set(e.nodeId, now);
        return `${at} ${e.step}/${e.total}`;
      }
      case 'node:preview':
        return undefined;
      case 'node:cached':
        return `${at} cached`;
      case 'node:done':
        return `${at} done in ${ms(e.durationMs)}`;
      case 'node:failed':
        return `${at} failed: ${e.error.message}`;
      case 'node:skipped':
        return `${at} skipped (needs ${this.label(e.blockedBy)})`;
      case 'job:finished':
      case 'job:cancelled':
        return undefined; // the summary follows
    }
  }

  finish(): void {}
}

type State =
  | { kind: 'waiting' }
  | { kind: 'running'; since: number; step?: number; total?: number }
  | { kind: 'done'; durationMs: number }
  | { kind: 'cached' }
  | { kind: 'failed'; message: string }
  | { kind: 'skipped'; blockedBy: string };

const SPINNER = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏'];
const color = (code: string) => (s: string) => (process.env.NO_COLOR ? s : `\x1b[${code}m${s}\x1b[0m`);
const green = color('32');
const red = color('31');
const cyan = color('36');
const dim = color('2');

/**
 * A status line per planned node, redrawn in place (cursor up, clear below) at most every 80 ms. When
 * the plan is taller than the terminal, only running and failed nodes are listed under a count line.
 */
export class LiveDisplay implements RunDisplay {
  readonly #states = new Map<string, State>();
  readonly #types = new Map<string, string>();
  #order: string[] = [];
  #drawn = 0;
  #frame = 0;
  #timer: NodeJS.Timeout | undefined;
  #dirty = false;
  #finished = false;

  constructor(
    private readonly out: Out,
    private readonly label: NodeLabels,
    private readonly typeOf: (nodeId: string) => string,
  ) {}

  handle(e: EngineEvent): void {
    switch (e.type) {
      case 'job:started':
        this.#order = [...e.planned];
        for (const id of e.planned) {
          this.#states.set(id, { kind: 'waiting' });
          this.#types.set(id, this.typeOf(id));
        }
        this.out.write('\x1b[?25l'); // hide the cursor while redrawing
        this.#timer = setInterval(() => {
          this.#frame++;
          this.#render();
        }, 80);
        this.#timer.unref();
        break;
      case 'node:started':
        this.#set(e.nodeId, { kind: 'running', since: Date.now() });
        break;
      case 'node:progress': {
        const prev = this.#states.get(e.nodeId);
        const since = prev?.kind === 'running' ? prev.since : Date.now();
        this.#set(e.nodeId, { kind: 'running', since, step: e.step, total: e.total });
        break;
      }
      case 'node:cached':
        this.#set(e.nodeId, { kind: 'cached' });
        break;
      case 'node:done':
        this.#set(e.nodeId, { kind: 'done', durationMs: e.durationMs });
        break;
      case 'node:failed':
        this.#set(e.nodeId, { kind: 'failed', message: e.error.message });
        break;
      case 'node:skipped':
        this.#set(e.nodeId, { kind: 'skipped', blockedBy: e.blockedBy });
        break;
      default:
        break;
    }
  }

  #set(id: string, state: State): void {
    if (!this.#states.has(id)) this.#order.push(id);
    if (!this.#types.has(id)) this.#types.set(id, this.typeOf(id));
    this.#states.set(id, state);
    this.#dirty = true;
  }

  finish(): void {
    if (this.#finished) return;
    this.#finished = true;
    clearInterval(this.#timer);
    this.#dirty = true;
    this.#render();
    if (this.#timer) this.out.write('\x1b[?25h');
  }

  #render(): void {
    if (!this.#dirty && !this.#hasRunning()) return;
    this.#dirty = false;
    const width = Math.max(40, this.out.columns ?? 80);
    const maxLines = Math.max(3, (this.out.rows ?? 24) - 2);
    let ids = this.#order;
    const head: string[] = [];
    if (ids.length > maxLines) {
      head.push(this.#counts());
      ids = ids.filter((id) => {
        const k = this.#states.get(id)?.kind;
        return k === 'running' || k === 'failed';
      });
      ids = ids.slice(0, maxLines - 1);
    }
    const idWidth = Math.min(24, Math.max(4, ...ids.map((id) => this.label(id).length)));
    const typeWidth = Math.min(28, Math.max(4, ...ids.map((id) => (this.#types.get(id) ?? '').length)));
    const lines = [...head, ...ids.map((id) => this.#lineFor(id, idWidth, typeWidth))].map((l) =>
      truncate(l, width - 1),
    );
    let text = this.#drawn > 0 ? `\x1b[${this.#drawn}F\x1b[J` : '';
    text += lines.map((l) => `${l}\n`).join('');
    this.out.write(text);
    this.#drawn = lines.length;
  }

  #hasRunning(): boolean {
    for (const s of this.#states.values()) if (s.kind === 'running') return true;
    return false;
  }

  #counts(): string {
    const n: Record<State['kind'], number> = {
      waiting: 0,
      running: 0,
      done: 0,
      cached: 0,
      failed: 0,
      skipped: 0,
    };
    for (const s of this.#states.values()) n[s.kind]++;
    return `${n.done + n.cached}/${this.#order.length} done (${n.cached} cached), ${n.running} running, ${n.failed} failed, ${n.skipped} skipped`;
  }

  #lineFor(id: string, idWidth: number, typeWidth: number): string {
    const s = this.#states.get(id) ?? { kind: 'waiting' };
    const name = `${this.label(id).padEnd(idWidth)}  ${dim((this.#types.get(id) ?? '').padEnd(typeWidth))}  `;
    switch (s.kind) {
      case 'waiting':
        return `${dim('○')} ${name}${dim('waiting')}`;
      case 'running': {
        const spin = cyan(SPINNER[this.#frame % SPINNER.length] ?? '*');
        const elapsed = dim(ms(Date.now() - s.since));
        if (s.step === undefined || !s.total) return `${spin} ${name}running ${elapsed}`;
        return `${spin} ${name}${bar(s.step / s.total, 20)} ${s.step}/${s.total} ${elapsed}`;
      }
      case 'done':
        return `${green('✓')} ${name}${ms(s.durationMs)}`;
      case 'cached':
        return `${green('✓')} ${name}${dim('cached')}`;
      case 'failed':
        return `${red('✗')} ${name}${red(s.message.split('\n')[0] ?? '')}`;
      case 'skipped':
        return `${dim('–')} ${name}${dim(`skipped (needs ${this.label(s.blockedBy)})`)}`;
    }
  }
}

function bar(fraction: number, width: number): string {
  const filled = Math.round(Math.min(1, Math.max(0, fraction)) * width);
  return `[${'█'.repeat(filled)}${'░'.repeat(width - filled)}]`;
}

/** Cut a line to the terminal width, counting visible characters only (colour codes are free). */
function truncate(line: string, width: number): string {
  let visible = 0;
  let out = '';
  for (let i = 0; i < line.length; i++) {
    if (line[i] === '\x1b') {
      const end = line.indexOf('m', i);
      if (end !== -1) {
        out += line.slice(i, end + 1);
        i = end;
        continue;
      }
    }
    if (visible >= width) continue;
    out += line[i];
    visible++;
  }
  return out;
}

export function ms(durationMs: number): string {
  if (durationMs < 1) return `${durationMs.toFixed(2)} ms`;
  if (durationMs < 1000) return `${Math.round(durationMs)} ms`;
  return `${(durationMs / 1000).toFixed(durationMs < 10_000 ? 2 : 1)} s`;
}
