import { existsSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { DEFAULT_MARK, MARK_POSITIONS, type MarkSpec } from '@reelgraph/media';
import { defaultPackDirs, userPacksDir } from '@reelgraph/packs';
import { buildApp } from '../app';
import type { ServerOptions } from '../options';
import { enableHotReload } from '../packs/hot-reload';
import { intOption } from './cli-common';

const HELP = `reelgraph serve [options]

  --host <addr>            listen address (default 127.0.0.1; anything else needs --token)
  --port <n>               port (default 8188; 0 = any free port)
  --token <t>              bearer token (or REELGRAPH_TOKEN); required beyond loopback
  --users <users.json>     named users with hashed tokens instead of one token (docs/security.md;
                           add users with "reelgraph users add <name> --users <file>")
  --models <dir>           model folder (repeatable)
  --nodes <dir>            extra node pack folder (repeatable); nodes/ and REELGRAPH_NODES are always loaded
  --dev                    hot reload: edits under pack folders update the catalog and open editors
                           (also on when NODE_ENV=development)
  --outputs <dir>          where output files go (default outputs/)
  --uploads <dir>          where uploaded images go (default <data>/uploads)
  --data <dir>             queue database and secret (default .reelgraph/)
  --presets <dir>          preset graphs (default graphs/)
  --allowed-host <h>       extra Host value to answer (reverse proxy; repeatable)
  --allowed-origin <o>     extra Origin to accept, e.g. https://rg.example.com (repeatable)
  --concurrency <n>        jobs at once (default 1)
  --job-timeout <s>        longest a job may run, in seconds (default 7200)
  --policy <file>          prompt policy (JSON, see docs/security.md; example: policies/example.json)
  --allow-pack-install     let the editor install missing node packs from the npm registry into the
                           packs folder (REELGRAPH_PACKS_DIR or ~/.reelgraph/packs); off by default;
                           only admins (with --users) or the --token holder can install
  --registry <url>         npm registry for those installs (default: npm's configuration)
  --c2pa-key <pem>         private key (EC P-256/P-384 or Ed25519) to sign outputs with (C2PA)
  --c2pa-cert <pem>        its certificate chain, leaf first (default: a local development chain,
                           made in the data folder, that no one trusts)
  --no-c2pa                do not sign outputs
  --force-mark             draw a visible mark on every saved output (default text "AI-generated")
  --mark-text <t>          its text;  --mark-image <png>: an image instead
  --mark-position <p>      bottom-right (default), bottom-left, top-right, top-left, center
  --mark-size <f>          height as a fraction of the frame (default 0.12); --mark-opacity <f> (0.8)
  --inline                 run nodes in the server process instead of a child process
  --cold                   do not load model sessions at start (the first job that needs them does)
  --log                    request logging
  --redis <url>            scale out: queue jobs in BullMQ on this Redis (redis://host:port[/db], or
                           REELGRAPH_REDIS) for "reelgraph worker"s to run; needs REELGRAPH_WORKER_SECRET
                           (docs/scale-out.md)
  --public-url <url>       with --redis: this server's base URL as workers reach it (default: where it listens)
`;

export function parseServeArgs(argv: string[]): (ServerOptions & { dev?: boolean }) | 'help' {
  const { values } = parseArgs({
    args: argv,
    allowPositionals: false,
    options: {
      host: { type: 'string' },
      port: { type: 'string' },
      token: { type: 'string' },
      users: { type: 'string' },
      models: { type: 'string', multiple: true },
      nodes: { type: 'string', multiple: true },
      outputs: { type: 'string' },
      uploads: { type: 'string' },
      data: { type: 'string' },
      presets: { type: 'string' },
      'allowed-host': { type: 'string', multiple: true },
      'allowed-origin': { type: 'string', multiple: true },
      concurrency: { type: 'string' },
      'job-timeout': { type: 'string' },
      policy: { type: 'string' },
      'c2pa-key': { type: 'string' },
      'c2pa-cert': { type: 'string' },
      'no-c2pa': { type: 'boolean' },
      'force-mark': { type: 'boolean' },
      'mark-text': { type: 'string' },
      'mark-image': { type: 'string' },
      'mark-position': { type: 'string' },
      'mark-size': { type: 'string' },
      'mark-opacity': { type: 'string' },
      inline: { type: 'boolean' },
      'allow-pack-install': { type: 'boolean' },
      registry: { type: 'string' },
      cold: { type: 'boolean' },
      dev: { type: 'boolean' },
      log: { type: 'boolean' },
      redis: { type: 'string' },
      'public-url': { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) return 'help';
  const abs = (p: string | undefined) => (p === undefined ? undefined : path.resolve(p));
  const token = values.token ?? process.env.REELGRAPH_TOKEN;
  const opts: ServerOptions & { dev?: boolean } = {
    logger: values.log ?? false,
    warmModels: !values.cold,
    dev: values.dev ?? process.env.NODE_ENV === 'development',
  };
  if (values.host !== undefined) opts.host = values.host;
  const port = intOption(values.port, 'port', 0, 65535);
  if (port !== undefined) opts.port = port;
  if (values.users && values.token) throw new Error('give either --token or --users, not both');
  // With --users, a REELGRAPH_TOKEN left in the environment does not apply.
  if (values.users) opts.usersFile = path.resolve(values.users);
  else if (token) opts.token = token;
  if (values.models) opts.modelsDirs = values.models.map((d) => path.resolve(d));
  // Like `run` and `validate`: built-ins, then REELGRAPH_NODES, then --nodes.
  opts.nodesDirs = defaultPackDirs(values.nodes ?? []);
  if (values.outputs) opts.outputsDir = abs(values.outputs)!;
  if (values.uploads) opts.uploadsDir = abs(values.uploads)!;
  if (values.data) opts.dataDir = abs(values.data)!;
  if (values.presets) opts.presetsDir = abs(values.presets)!;
  if (values['allowed-host']) opts.allowedHosts = values['allowed-host'];
  if (values['allowed-origin']) opts.allowedOrigins = values['allowed-origin'];
  const concurrency = intOption(values.concurrency, 'concurrency', 1, 64);
  if (concurrency !== undefined) opts.concurrency = concurrency;
  const timeout = intOption(values['job-timeout'], 'job-timeout', 1, 7 * 24 * 3600);
  if (timeout !== undefined) opts.jobTimeoutMs = timeout * 1000;
  if (values.inline) opts.isolation = 'inline';
  if (values.policy) opts.policyFile = path.resolve(values.policy);
  if (values['allow-pack-install'])
    opts.packInstall = { dir: userPacksDir(), ...(values.registry ? { registry: values.registry } : {}) };
  else if (values.registry) throw new Error('--registry is for --allow-pack-install');
  if (values['c2pa-key']) opts.c2paKeyFile = path.resolve(values['c2pa-key']);
  if (values['c2pa-cert']) opts.c2paCertFile = path.resolve(values['c2pa-cert']);
  if (values['no-c2pa']) opts.c2pa = false;
  const redis = values.redis ?? process.env.REELGRAPH_REDIS;
  if (redis) {
    opts.redis = redis;
    if (process.env.REELGRAPH_WORKER_SECRET) opts.workerSecret = process.env.REELGRAPH_WORKER_SECRET;
    if (values['public-url']) opts.publicUrl = values['public-url'];
  }
  if (values['force-mark']) opts.forceMark = forcedMark(values);
  return opts;
}

function forcedMark(v: Record<string, string | boolean | string[] | undefined>): MarkSpec {
  const fraction = (name: string, fallback: number, max: number) => {
    const raw = v[name];
    if (raw === undefined) return fallback;
    const n = Number(raw);
    if (!Number.isFinite(n) || n < 0 || n > max)
      throw new Error(`--${name} must be a number from 0 to ${max}`);
    return n;
  };
  const position = (v['mark-position'] as string | undefined) ?? DEFAULT_MARK.position;
  if (!(MARK_POSITIONS as readonly string[]).includes(position))
    throw new Error(`--mark-position must be one of ${MARK_POSITIONS.join(', ')}`);
  const image = v['mark-image'] as string | undefined;
  return {
    ...(image
      ? { image: path.resolve(image) }
      : { text: (v['mark-text'] as string | undefined) ?? DEFAULT_MARK.text }),
    position: position as MarkSpec['position'],
    size: fraction('mark-size', DEFAULT_MARK.size, 1),
    opacity: fraction('mark-opacity', DEFAULT_MARK.opacity, 1),
    margin: DEFAULT_MARK.margin,
  };
}

/** `reelgraph serve`: the API, the WebSocket and the editor on one port until SIGINT/SIGTERM. */
export async function serve(argv: string[]): Promise<void> {
  const code = await serveCommand(argv);
  if (code !== undefined) process.exitCode = code;
}

/**
 * The CLI's entry (server/src/cli.ts): resolves once listening (undefined: keep the process alive),
 * or with an exit code (2: bad arguments, 1: could not start).
 */
export async function serveCommand(argv: string[]): Promise<number | undefined> {
  let opts: (ServerOptions & { dev?: boolean }) | 'help';
  try {
    opts = parseServeArgs(argv);
  } catch (err) {
    console.error(`reelgraph serve: ${(err as Error).message}\n\n${HELP}`);
    return 2;
  }
  if (opts === 'help') {
    console.log(HELP);
    return 0;
  }
  let server: Awaited<ReturnType<typeof buildApp>> | undefined;
  let url: string;
  try {
    server = await buildApp(opts);
    url = await server.listen();
  } catch (err) {
    console.error(`reelgraph serve: ${(err as Error).message}`);
    await server?.close().catch(() => {});
    return 1;
  }
  const running = server;
  const ui = running.options.uiDir && existsSync(path.join(running.options.uiDir, 'index.html'));
  console.log(`Reelgraph is running at ${url}/${ui ? '' : '  (API only: the editor is not built)'}`);
  if (running.options.token)
    console.log('A token is required (Authorization: Bearer, or sign in from the editor).');
  if (running.options.usersFile)
    console.log(`Named users from ${running.options.usersFile}: each signs in with their own token.`);
  const packs = running.host.catalog.packs;
  const failed = packs.filter((p) => p.status === 'error');
  console.log(
    `${Object.keys(running.host.catalog.nodes).length} nodes from ${packs.length - failed.length} pack(s)`,
  );
  for (const p of failed) console.warn(`pack ${p.name} has problems: ${p.errors.join('; ')}`);
  const signing = running.signing;
  if (!signing) console.log('Content credentials: off (--no-c2pa): outputs are not signed.');
  else if (signing.dev)
    console.warn(
      `Content credentials: outputs are signed with a local DEVELOPMENT certificate (${signing.certFile}).\n` +
        '  It is NOT a trusted signer: verifiers report it as untrusted. Pass --c2pa-key/--c2pa-cert for a real one.',
    );
  else console.log(`Content credentials: outputs are signed with ${signing.certFile}`);
  if (running.options.forceMark) console.log('A visible mark is drawn on every saved output (--force-mark).');
  if (running.options.policyFile) console.log(`Prompt policy: ${running.options.policyFile}`);
  const watcher = opts.dev
    ? enableHotReload(running, { log: (m) => console.log(`[reelgraph] ${m}`) })
    : undefined;
  if (watcher) console.log('Hot reload is on: edits under the pack folders reload the nodes.');

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    console.log(`\n${signal}: stopping (a running job goes back to the queue)…`);
    watcher?.close();
    await running.close();
    process.exit(0);
  };
  process.on('SIGINT', () => void stop('SIGINT'));
  process.on('SIGTERM', () => void stop('SIGTERM'));
  return undefined;
}
