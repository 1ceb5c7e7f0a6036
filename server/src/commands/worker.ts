import { mkdirSync, realpathSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { defaultPackDirs } from '@reelgraph/packs';
import { type SigningOptions, signingFiles } from '../c2pa/setup';
import { REPO_ROOT } from '../options';
import { loadPolicy } from '../policy/rules';
import { type RunningWorker, startWorker, type WorkerOptions } from '../worker/worker';
import { EXIT, intOption } from './cli-common';

const HELP = `reelgraph worker [options]   (docs/scale-out.md)

Takes jobs from the distributed queue (BullMQ on Redis) that "reelgraph serve --redis" fronts fill,
runs them, and hands events and output files back to the front. It has no HTTP API.

  --redis <url>            redis://host:port[/db] (or REELGRAPH_REDIS); required
  --concurrency <n>        jobs at once (default 1)
  --models <dir>           model folder (repeatable)
  --nodes <dir>            extra node pack folder (repeatable); nodes/ and REELGRAPH_NODES are always loaded
  --name <name>            this worker's name (default <hostname>-<pid>)
  --scratch <dir>          where nodes write files before they are uploaded (default a temp folder)
  --lock-ms <n>            a worker silent this long is taken as lost, its job runs again (default 30000)
  --stalled-interval-ms <n>  how often to look for jobs of lost workers (default 30000)
  --max-stalls <n>         times a job may lose its worker before it fails (default 2)
  --policy <file>          the fronts' policy file: its classifiers check output frames here
                           (text is checked at submit, on the front)
  --c2pa-key <pem> --c2pa-cert <pem>   sign outputs with this key and chain (as serve does)
  --no-c2pa                do not sign outputs
  --data <dir>             where the local development signing chain lives (default .reelgraph)

Environment: REELGRAPH_WORKER_SECRET (required, the same as the fronts'): authenticates output uploads.
`;

/** What `workerCommand` resolves before the worker starts: the signing key (async: it may make the chain). */
export interface WorkerArgs {
  worker: WorkerOptions;
  signing: SigningOptions;
}

export function parseWorkerArgs(argv: string[], env = process.env): WorkerArgs | 'help' {
  const { values } = parseArgs({
    args: argv,
    allowPositionals: false,
    options: {
      redis: { type: 'string' },
      concurrency: { type: 'string' },
      models: { type: 'string', multiple: true },
      nodes: { type: 'string', multiple: true },
      name: { type: 'string' },
      scratch: { type: 'string' },
      'lock-ms': { type: 'string' },
      'stalled-interval-ms': { type: 'string' },
      'max-stalls': { type: 'string' },
      policy: { type: 'string' },
      'c2pa-key': { type: 'string' },
      'c2pa-cert': { type: 'string' },
      'no-c2pa': { type: 'boolean' },
      data: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) return 'help';
  const redis = values.redis ?? env.REELGRAPH_REDIS;
  if (!redis) throw new Error('--redis (or REELGRAPH_REDIS) is required');
  const secret = env.REELGRAPH_WORKER_SECRET;
  if (!secret || secret.length < 16)
    throw new Error('REELGRAPH_WORKER_SECRET must be set, at least 16 characters, the same as the fronts');
  const name = values.name ?? `${os.hostname()}-${process.pid}`;
  const scratch = path.resolve(values.scratch ?? path.join(os.tmpdir(), `reelgraph-worker-${name}`));
  mkdirSync(path.join(scratch, 'outputs'), { recursive: true });
  mkdirSync(path.join(scratch, 'uploads'), { recursive: true });
  const lockMs = intOption(values['lock-ms'], 'lock-ms', 1000, 3_600_000);
  const stalledIntervalMs = intOption(values['stalled-interval-ms'], 'stalled-interval-ms', 500, 3_600_000);
  const maxStalls = intOption(values['max-stalls'], 'max-stalls', 0, 100);
  // A bad policy file stops the start, as on the fronts.
  const classifiers = values.policy ? loadPolicy(path.resolve(values.policy)).classifiers : [];
  const signing: SigningOptions = {
    c2pa: values['no-c2pa'] !== true,
    c2paKeyFile: values['c2pa-key'] && path.resolve(values['c2pa-key']),
    c2paCertFile: values['c2pa-cert'] && path.resolve(values['c2pa-cert']),
    dataDir: path.resolve(values.data ?? path.join(REPO_ROOT, '.reelgraph')),
  };
  const worker: WorkerOptions = {
    redis,
    secret,
    name,
    concurrency: intOption(values.concurrency, 'concurrency', 1, 64) ?? 1,
    host: {
      nodesDirs: defaultPackDirs(values.nodes ?? []),
      modelsDirs: (values.models ?? [path.join(REPO_ROOT, 'models')]).map((d) => path.resolve(d)),
      outputsDir: realpathSync(path.join(scratch, 'outputs')),
      uploadsDir: realpathSync(path.join(scratch, 'uploads')),
      warmModels: true,
      ...(classifiers.length ? { classifiers } : {}),
    },
    abortGraceMs: 5000,
    ...(lockMs !== undefined ? { lockMs } : {}),
    ...(stalledIntervalMs !== undefined ? { stalledIntervalMs } : {}),
    ...(maxStalls !== undefined ? { maxStalls } : {}),
    log: (level, message) => {
      const line = `[reelgraph worker ${name}] ${message}\n`;
      if (level === 'info') process.stdout.write(line);
      else process.stderr.write(line);
    },
  };
  return { worker, signing };
}

/** The CLI's entry: resolves once the worker takes jobs (undefined: keep running), or with an exit code. */
export async function workerCommand(argv: string[]): Promise<number | undefined> {
  let opts: WorkerOptions;
  try {
    const args = parseWorkerArgs(argv);
    if (args === 'help') {
      process.stdout.write(HELP);
      return EXIT.ok;
    }
    opts = args.worker;
    // Outputs are signed here, where they are written, before they are handed to the fronts.
    const credentials = await signingFiles(args.signing);
    if (credentials) opts.host.credentials = credentials;
    if (credentials?.dev)
      process.stderr.write(
        `Content credentials: outputs are signed with a local DEVELOPMENT certificate (${credentials.certFile}), not a trusted signer.\n`,
      );
  } catch (err) {
    process.stderr.write(`reelgraph worker: ${(err as Error).message}\n\n${HELP}`);
    return EXIT.usage;
  }
  let worker: RunningWorker;
  try {
    worker = await startWorker(opts);
  } catch (err) {
    process.stderr.write(`reelgraph worker: ${(err as Error).message}\n`);
    return EXIT.failed;
  }
  const stop = () => {
    void worker.close().then(() => process.exit(EXIT.ok));
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  return undefined;
}
