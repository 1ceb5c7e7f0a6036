import { type JobState, type JobSummary, type Output, TERMINAL_STATES } from '@reelgraph/protocol';
import { useEffect, useState } from 'react';
import { deleteJob, loadJobGraph, message, rerunJob } from '../actions';
import { CredentialsMark } from '../flow/CredentialsMark';
import { api, useRun } from '../state';
import { type Compared, uiStore } from '../store/uiStore';

const PAGE = 12;
const STATES = ['success', 'failed', 'cancelled'] as const satisfies readonly JobState[];
type FileOutput = Extract<Output, { kind: 'file' }>;
interface Entry {
  job: JobSummary;
  files: FileOutput[];
}

/** The outputs the server keeps: its job history with files, newest first, paged and filtered. */
export function Gallery() {
  const [title, setTitle] = useState('');
  const [state, setState] = useState<(typeof STATES)[number] | ''>('');
  const [page, setPage] = useState(0);
  const [reload, setReload] = useState(0);
  const [data, setData] = useState<{ entries: Entry[]; total: number } | { error: string }>();
  /** Videos picked for side-by-side comparison (at most two). */
  const [picked, setPicked] = useState<Compared[]>([]);
  const pick = (c: Compared, on: boolean) =>
    setPicked((p) =>
      on ? [...p.filter((x) => x.url !== c.url), c].slice(-2) : p.filter((x) => x.url !== c.url),
    );
  // Refetch when one of this tab's jobs finishes.
  const finished = useRun(
    (s) => Object.values(s.jobs).filter((j) => TERMINAL_STATES.includes(j.state)).length,
  );

  // biome-ignore lint/correctness/useExhaustiveDependencies: `finished` and `reload` are refetch triggers
  useEffect(() => {
    let live = true;
    (async () => {
      const { jobs, total } = await api.history({
        limit: PAGE,
        offset: page * PAGE,
        title: title.trim(),
        states: state ? [state] : [...STATES],
        files: true,
      });
      const details = await Promise.all(jobs.map((j) => api.job(j.id)));
      const entries = jobs.map((job, i) => ({
        job,
        files: (details[i]?.outputs ?? []).filter((o): o is FileOutput => o.kind === 'file'),
      }));
      if (live) setData({ entries, total });
    })().catch((err) => live && setData({ error: message(err) }));
    return () => {
      live = false;
    };
  }, [title, state, page, finished, reload]);

  const pages = data && 'total' in data ? Math.max(1, Math.ceil(data.total / PAGE)) : 1;
  return (
    <section className="rg-panel" aria-label="Outputs">
      <header>Outputs</header>
      <div className="rg-gallery-filters">
        <input
          type="search"
          aria-label="Filter by graph name"
          placeholder="Graph name…"
          value={title}
          onChange={(e) => {
            setTitle(e.currentTarget.value);
            setPage(0);
          }}
        />
        <select
          aria-label="Filter by state"
          value={state}
          onChange={(e) => {
            setState(e.currentTarget.value as typeof state);
            setPage(0);
          }}
        >
          <option value="">any state</option>
          {STATES.map((s) => (
            <option key={s} value={s}>
              {s}
            </option>
          ))}
        </select>
      </div>
      {picked.length > 0 && (
        <div className="rg-compare-bar">
          <button
            type="button"
            disabled={picked.length < 2}
            onClick={() => uiStore.setState({ dialog: 'compare', compare: [picked[0]!, picked[1]!] })}
          >
            Compare ({picked.length}/2)
          </button>
          <button type="button" onClick={() => setPicked([])}>
            Clear
          </button>
        </div>
      )}
      {!data && <p className="muted">Loading…</p>}
      {data && 'error' in data && <p className="job-error">Cannot list outputs: {data.error}</p>}
      {data && 'entries' in data && !data.entries.length && (
        <p className="muted">
          {title || state ? 'Nothing matches.' : 'Generated videos and images appear here.'}
        </p>
      )}
      <div className="rg-gallery">
        {data &&
          'entries' in data &&
          data.entries.map((e) => (
            <GalleryEntry
              key={e.job.id}
              entry={e}
              picked={picked}
              onPick={pick}
              onDeleted={() => setReload((n) => n + 1)}
            />
          ))}
      </div>
      {pages > 1 && (
        <nav className="rg-pager" aria-label="Gallery pages">
          <button type="button" disabled={page === 0} onClick={() => setPage(page - 1)}>
            ‹ Newer
          </button>
          <span className="muted">
            {page + 1} / {pages}
          </span>
          <button type="button" disabled={page + 1 >= pages} onClick={() => setPage(page + 1)}>
            Older ›
          </button>
        </nav>
      )}
    </section>
  );
}

function GalleryEntry({
  entry,
  picked,
  onPick,
  onDeleted,
}: {
  entry: Entry;
  picked: Compared[];
  onPick(c: Compared, on: boolean): void;
  onDeleted(): void;
}) {
  const { job, files } = entry;
  const name = job.title ?? job.id.slice(0, 8);
  const videos = files.filter((f) => f.mime.startsWith('video/'));
  return (
    <article className={`rg-gallery-entry job-${job.state}`} data-job={job.id} aria-label={name}>
      {files.map((f) => (
        <a
          key={f.id}
          className="rg-gallery-item"
          href={f.url}
          target="_blank"
          rel="noreferrer"
          title={f.name}
        >
          {f.mime.startsWith('video/') ? (
            <video src={f.url} muted loop autoPlay playsInline />
          ) : f.mime.startsWith('image/') ? (
            <img src={f.url} alt={f.name} />
          ) : (
            <span>{f.name}</span>
          )}
          <CredentialsMark meta={f.meta} />
        </a>
      ))}
      <div className="rg-gallery-meta">
        <strong>{name}</strong>{' '}
        <span className="muted">
          {job.state} · {new Date(job.createdAt).toLocaleString()}
        </span>
      </div>
      <div className="job-actions">
        {videos.map((f, i) => {
          const c = { url: f.url, label: videos.length > 1 ? `${name} #${i + 1}` : name };
          return (
            <label key={f.id} className="rg-compare-pick">
              <input
                type="checkbox"
                checked={picked.some((p) => p.url === f.url)}
                onChange={(e) => onPick(c, e.currentTarget.checked)}
              />
              compare{videos.length > 1 ? ` #${i + 1}` : ''}
            </label>
          );
        })}
        <button type="button" onClick={() => void loadJobGraph(job.id)} title="Load the graph that made this">
          Load graph
        </button>
        <button type="button" onClick={() => void rerunJob(job.id)}>
          Re-run
        </button>
        <button
          type="button"
          onClick={async () => {
            if (await deleteJob(job.id, name)) onDeleted();
          }}
        >
          Delete
        </button>
      </div>
    </article>
  );
}
