// biome-ignore-all lint/suspicious/noExplicitAny: response bodies are arbitrary JSON
import { existsSync, mkdtempSync, realpathSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { FIXTURE_PACKS, REPO, sleep, startServer, stepsGraph, type TestServer, until } from './helpers';
import { startRedis, startWorker, type TestWorker, WORKER_SECRET } from './scale-out-helpers';

/** What a fault run did and what became of every job a front accepted (`runFaults`). */
export interface FaultReport {
  kills: number;
  /** Kills that hit a worker while it ran a job. */
  killsMidJob: number;
  redisRestarts: number;
  /** Submits a front answered 201. */
  accepted: number;
  /** Submits a front refused, by `error` code (not accepted, so not lost). */
  refused: Record<string, number>;
  completed: number;
  /** Failed with a reason, by `code: message` (first 80 characters). */
  failed: Record<string, number>;
  cancelled: number;
  /** Accepted and never finished on some front: the figure that must be 0. */
  lost: { id: string; states: string[] }[];
  /** Jobs whose final state differs between the two fronts. */
  disagree: number;
  /** Jobs by attempts (1 = ran once). */
  attempts: Record<number, number>;
  videoJobs: number;
  seconds: number;
}

export interface FaultRunOptions {
  kills: number;
  redisRestarts: number;
  /** Keep at most this many accepted jobs unfinished (a steady stream, not a flood). */
  inFlight?: number;
  /** Every n-th job is a tiny text-to-video job, when `models/tiny` exists (0: none). */
  videoEvery?: number;
  log?: (line: string) => void;
}

const TERMINAL = new Set(['success', 'failed', 'cancelled']);

/**
 * Two fronts and three `reelgraph worker` processes on one Redis (appendonly on), with a steady stream of
 * mixed jobs submitted to both fronts, while workers are killed with SIGKILL (a busy one where there is
 * one; each restarted at once) and Redis is restarted between the kills. Then every accepted job is
 * followed to its end on both fronts. The workers allow many stalls so that a job hit by several kills
 * still runs to completion; what fails anyway is counted with its reason.
 */
export async function runFaults(opts: FaultRunOptions): Promise<FaultReport> {
  const log = opts.log ?? (() => {});
  const inFlight = opts.inFlight ?? 8;
  const scratch = realpathSync(mkdtempSync(path.join(os.tmpdir(), 'rg-faults-')));
  const redis = await startRedis({ appendonly: true });
  const withVideo = (opts.videoEvery ?? 0) > 0 && existsSync(path.join(REPO, 'models', 'tiny', 'model.json'));
  const front = () =>
    startServer({
      redis: redis.url,
      workerSecret: WORKER_SECRET,
      nodesDirs: [path.join(REPO, 'nodes'), FIXTURE_PACKS],
      modelsDirs: [path.join(REPO, 'models')],
      presetsDir: path.join(REPO, 'graphs'),
    });
  const fronts: TestServer[] = await Promise.all([front(), front()]);
  const names = ['fw1', 'fw2', 'fw3'];
  const spawnWorker = (name: string) =>
    startWorker(redis.url, name, scratch, ['--max-stalls', '50'], FIXTURE_PACKS, 300_000);
  const workers: TestWorker[] = await Promise.all(names.map(spawnWorker));
  const started = performance.now();
  const report: FaultReport = {
    kills: 0,
    killsMidJob: 0,
    redisRestarts: 0,
    accepted: 0,
    refused: {},
    completed: 0,
    failed: {},
    cancelled: 0,
    lost: [],
    disagree: 0,
    attempts: {},
    videoJobs: 0,
    seconds: 0,
  };
  const bump = (o: Record<string, number>, k: string | number) => {
    o[k] = (o[k] ?? 0) + 1;
  };
  const accepted: { id: string; video: boolean }[] = [];
  try {
    const live = async (f: TestServer) => (await f.http.get('/api/workers')).body.workers ?? [];
    await until(
      async () => (await live(fronts[1]!)).length === 3 && (await live(fronts[0]!)).length === 3,
      60_000,
      'three workers on both fronts',
      200,
    );
    const preset = withVideo ? (await fronts[0]!.http.get('/api/presets/text-to-video')).body : undefined;

    // The steady stream: alternate fronts, keep `inFlight` unfinished jobs.
    const unfinished = new Set<string>();
    let submitting = true;
    const submitter = (async () => {
      for (let i = 0; submitting; i++) {
        while (submitting && unfinished.size >= inFlight) {
          await sleep(100);
          for (const id of unfinished) {
            const s = (await fronts[0]!.http.get(`/api/jobs/${id}`).catch(() => undefined))?.body?.state;
            if (TERMINAL.has(s)) unfinished.delete(id);
          }
        }
        if (!submitting) break;
        const video = preset !== undefined && i % opts.videoEvery! === opts.videoEvery! - 1;
        const graph = video ? preset : stepsGraph(3 + (i % 4), 80, `fault${i}`);
        const res = await fronts[i % 2]!.http.submit(graph).catch((err: Error) => ({
          status: 0,
          body: { error: `unreachable: ${err.message}` },
        }));
        if (res.status === 201) {
          accepted.push({ id: res.body.jobId, video });
          unfinished.add(res.body.jobId);
        } else bump(report.refused, String(res.body?.error ?? res.status));
        await sleep(50);
      }
    })();

    const restartAt = new Set(
      Array.from({ length: opts.redisRestarts }, (_, r) =>
        Math.floor(((r + 1) * opts.kills) / (opts.redisRestarts + 1)),
      ),
    );
    for (let k = 0; k < opts.kills; k++) {
      // A busy worker, if one becomes busy within a few seconds: a kill mid-job is the case that counts.
      let busy: string[] = [];
      const wait = Date.now() + 5000;
      while (Date.now() < wait) {
        busy = (await live(fronts[k % 2]!)).filter((w: any) => w.running.length > 0).map((w: any) => w.name);
        if (busy.length) break;
        await sleep(100);
      }
      const pool = busy.length ? busy : names;
      const name = pool[Math.floor(Math.random() * pool.length)]!;
      const i = names.indexOf(name);
      const doomed = workers[i]!;
      const gone = new Promise((r) => doomed.child.once('exit', r));
      doomed.child.kill('SIGKILL');
      await gone;
      report.kills++;
      if (busy.length) report.killsMidJob++;
      log(
        `kill ${k + 1}/${opts.kills}: ${name}${busy.length ? ' (mid-job)' : ''}; ${accepted.length} accepted so far`,
      );
      workers[i] = await spawnWorker(name);
      if (restartAt.has(k + 1)) {
        await redis.restart();
        report.redisRestarts++;
        log(`Redis restart ${report.redisRestarts}/${opts.redisRestarts}`);
      }
    }
    submitting = false;
    await submitter;

    // Every accepted job to its end on both fronts (or the deadline: what is left is lost).
    const deadline = Date.now() + 300_000;
    const finals = new Map<string, any[]>();
    for (const j of accepted) {
      for (;;) {
        const views = await Promise.all(
          fronts.map(async (f) => (await f.http.get(`/api/jobs/${j.id}`)).body),
        );
        if (views.every((v) => TERMINAL.has(v.state)) || Date.now() > deadline) {
          finals.set(j.id, views);
          break;
        }
        await sleep(250);
      }
    }
    for (const j of accepted) {
      const views = finals.get(j.id)!;
      const states = views.map((v) => v.state as string);
      if (!states.every((s) => TERMINAL.has(s))) {
        report.lost.push({ id: j.id, states });
        continue;
      }
      if (new Set(states).size > 1) report.disagree++;
      const v = views[0];
      if (j.video) report.videoJobs++;
      bump(report.attempts, v.attempts);
      if (v.state === 'success') report.completed++;
      else if (v.state === 'cancelled') report.cancelled++;
      else bump(report.failed, `${v.error?.code}: ${String(v.error?.message).slice(0, 80)}`);
    }
    report.accepted = accepted.length;
  } finally {
    report.seconds = (performance.now() - started) / 1000;
    await Promise.all(workers.map((w) => w.stop()));
    await Promise.all(fronts.map((f) => f.close()));
    await redis.stop();
    rmSync(scratch, { recursive: true, force: true });
  }
  return report;
}

/** The report as printable lines, each figure against the target (0 lost). */
export function faultLines(r: FaultReport): string[] {
  const failed = Object.values(r.failed).reduce((a, b) => a + b, 0);
  return [
    `${r.kills} worker kills (${r.killsMidJob} mid-job), ${r.redisRestarts} Redis restarts, ${r.seconds.toFixed(0)} s`,
    `accepted ${r.accepted} (${r.videoJobs} tiny text-to-video), completed ${r.completed}, failed with a reason ${failed}, cancelled ${r.cancelled}, refused at submit ${JSON.stringify(r.refused)}`,
    `attempts: ${JSON.stringify(r.attempts)}; fronts disagree on ${r.disagree}`,
    ...Object.entries(r.failed).map(([why, n]) => `  failed ×${n}: ${why}`),
    `lost (accepted, never finished): ${r.lost.length} (target 0): ${r.lost.length === 0 ? 'meets target' : `MISSES target ${JSON.stringify(r.lost.slice(0, 5))}`}`,
  ];
}
