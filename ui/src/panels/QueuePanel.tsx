import type { Output } from '@reelgraph/protocol';
import { useEffect } from 'react';
import { cancelJob, refreshJobs, rerunJob } from '../actions';
import { useRun } from '../state';
import { uiStore } from '../store/uiStore';

/** Jobs, newest first: cancel what is queued or running, re-run or open the outputs of the rest. */
export function QueuePanel() {
  const jobs = useRun((s) => s.jobs);
  // This tab's jobs update live over the WebSocket; other clients' jobs are refreshed while the panel shows.
  useEffect(() => {
    const timer = setInterval(() => void refreshJobs(), 4000);
    return () => clearInterval(timer);
  }, []);
  const list = Object.values(jobs).sort((a, b) => rank(a.state) - rank(b.state) || b.createdAt - a.createdAt);
  return (
    <section className="rg-panel" aria-label="Queue">
      <header>
        Queue{' '}
        <button type="button" onClick={() => void refreshJobs()}>
          ↻
        </button>
      </header>
      {!list.length && <p className="muted">No jobs yet. Press Run (Ctrl+Enter).</p>}
      <ul className="rg-jobs">
        {list.map((j) => (
          <li key={j.id} className={`job job-${j.state}`} data-job={j.id}>
            <div className="job-line">
              <span className="job-state">{j.state}</span>
              <span className="job-title">{j.title ?? j.id.slice(0, 8)}</span>
              {j.state === 'queued' && j.position != null && <span className="muted">#{j.position + 1}</span>}
              {j.durationMs != null && <span className="muted">{(j.durationMs / 1000).toFixed(1)} s</span>}
            </div>
            {j.error && <div className="job-error">{j.error}</div>}
            <div className="job-actions">
              {(j.state === 'queued' || j.state === 'running') && (
                <button type="button" onClick={() => void cancelJob(j.id)}>
                  Cancel
                </button>
              )}
              {j.state !== 'queued' && j.state !== 'running' && (
                <button type="button" onClick={() => void rerunJob(j.id)}>
                  Re-run
                </button>
              )}
              {j.outputs.some((o) => o.kind === 'file') && (
                <button type="button" onClick={() => uiStore.setState({ panel: 'gallery' })}>
                  Outputs ({j.outputs.filter((o) => o.kind === 'file').length})
                </button>
              )}
            </div>
          </li>
        ))}
      </ul>
    </section>
  );
}

function rank(state: string): number {
  return state === 'running' ? 0 : state === 'queued' ? 1 : 2;
}

export function Gallery() {
  const gallery = useRun((s) => s.gallery);
  return (
    <section className="rg-panel" aria-label="Outputs">
      <header>Outputs</header>
      {!gallery.length && <p className="muted">Generated videos and images appear here.</p>}
      <div className="rg-gallery">
        {gallery.map((o) => (
          <GalleryItem key={o.kind === 'file' ? o.id : ''} output={o} />
        ))}
      </div>
    </section>
  );
}

function GalleryItem({ output }: { output: Output }) {
  if (output.kind !== 'file') return null;
  return (
    <a className="rg-gallery-item" href={output.url} target="_blank" rel="noreferrer" title={output.name}>
      {output.mime.startsWith('video/') ? (
        <video src={output.url} muted loop autoPlay playsInline />
      ) : output.mime.startsWith('image/') ? (
        <img src={output.url} alt={output.name} />
      ) : (
        <span>{output.name}</span>
      )}
    </a>
  );
}
