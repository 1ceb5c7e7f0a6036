import { TERMINAL_STATES } from '@reelgraph/protocol';
import { useEffect } from 'react';
import { cancelJob, clearFinished, refreshJobs, rerunJob } from '../actions';
import { useRun } from '../state';
import type { JobView } from '../store/runStore';
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
        <button type="button" aria-label="refresh" onClick={() => void refreshJobs()}>
          ↻
        </button>
        {list.some((j) => TERMINAL_STATES.includes(j.state)) && (
          <button type="button" onClick={() => void clearFinished()}>
            Clear finished
          </button>
        )}
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
              {outputCount(j) > 0 && (
                <button type="button" onClick={() => uiStore.setState({ panel: 'gallery' })}>
                  Outputs ({outputCount(j)})
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

/** This tab's jobs know their outputs from events; others (and all after a reload) from the server's count. */
function outputCount(j: JobView): number {
  return Math.max(j.outputs.filter((o) => o.kind === 'file').length, j.outputCount ?? 0);
}
