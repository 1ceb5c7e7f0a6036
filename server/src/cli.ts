// The `reelgraph` command line (`reelgraph …` runs it built, `pnpm reelgraph …` from the sources). Commands are imported on demand so that `validate`
// never loads the HTTP server and `serve` can live in its own module.
import { CliFailure, EXIT, UsageError } from './commands/cli-common';

const USAGE = `Usage: reelgraph <command> [options]

Commands:
  validate <graph.json>   Check a graph file; print each problem as "node.input: code: message"
      --nodes <dir>         Also load packs from this folder (repeatable; REELGRAPH_NODES works too)
      --json                Print { file, valid, errors } as JSON
  run <graph.json>        Validate and run a graph headless, then print its outputs
      --set <node>.<input>=<value>   Override an input (repeatable); JSON values, else text
      --outputs <dir>       Where output nodes write files (default: REELGRAPH_OUTPUTS or ./outputs)
      --nodes <dir>         Also load packs from this folder (repeatable)
      --json                Print the job result as JSON instead of progress and a summary
      --plain               Plain progress lines even on a terminal
      --c2pa-key <pem> --c2pa-cert <pem>   Sign outputs with this key and chain (C2PA), as serve does
      --data <dir>          Where the local development signing chain lives (default ./.reelgraph)
      --no-c2pa             Do not sign outputs
  import <file>           Import a ComfyUI workflow or API prompt (JSON, or a PNG/WebP/MP4/WebM ComfyUI wrote)
      -o <graph.json>       Write the graph there (else to stdout); the import report goes to the terminal
      --json                Print { graph, report } as JSON
  export --comfy-api <graph.json>   Write the graph as a ComfyUI API prompt
      -o <prompt.json>      Write it there (else to stdout)
  verify <file>           Print a file's content credentials (C2PA manifest) and whether they are intact
      --trust <ca.pem>      Trust this CA (e.g. <data>/c2pa-dev/ca.pem) instead of reporting "untrusted"
      --json                Print the manifest and validation as JSON
  serve                   Start the HTTP server and editor (see "reelgraph serve --help")
  worker                  Run jobs from a "serve --redis" front's queue (see "reelgraph worker --help")
  users add <name>        Add a named user for "serve --users"; prints their new token once
      --admin               The user sees and manages every user's jobs
      --users <file>        The users file (default ./users.json)
  users remove <name>     Take a user out of the users file (--users <file>)
  create-node <name>      Scaffold a node pack: manifest, a typed example node, a passing test
      --dir <folder>        Create it in <folder>/<name> (default nodes/<name>; then load with --nodes <folder>)
      --no-link             Do not link the host's packages into the pack's node_modules
  add <name>[@range]      Install or upgrade a node pack from the npm registry into the packs folder
      --allow-scripts       Run the pack's install scripts (never run otherwise)
  remove <name>           Uninstall a pack installed with add
  packs                   List the installed packs and whether each loads
      --packs-dir <dir>     The packs folder (default REELGRAPH_PACKS_DIR or ~/.reelgraph/packs)
      --registry <url>      npm registry (default: npm's configuration)
      --json                Print JSON
  help                    Show this help

Exit codes: 0 ok, 1 invalid graph, failed run or failed verification, 2 bad command line, 130 cancelled (Ctrl+C).
`;

async function main(argv: string[]): Promise<number | undefined> {
  const [command, ...rest] = argv;
  switch (command) {
    case 'validate': {
      const { validateCommand } = await import('./commands/validate');
      return validateCommand(rest);
    }
    case 'run': {
      const { runCommand } = await import('./commands/run');
      return runCommand(rest, { signal: cancelOnInterrupt() });
    }
    case 'import': {
      const { importCommand } = await import('./commands/comfy');
      return importCommand(rest);
    }
    case 'export': {
      const { exportCommand } = await import('./commands/comfy');
      return exportCommand(rest);
    }
    case 'serve': {
      const { serveCommand } = await import('./commands/serve');
      return serveCommand(rest);
    }
    case 'worker': {
      const { workerCommand } = await import('./commands/worker');
      return workerCommand(rest);
    }
    case 'verify': {
      const { verifyCommand } = await import('./commands/verify');
      return verifyCommand(rest);
    }
    case 'users': {
      const { usersCommand } = await import('./commands/users');
      return usersCommand(rest);
    }
    case 'create-node': {
      const { createNodeCommand } = await import('./commands/create-node');
      return createNodeCommand(rest);
    }
    case 'add':
    case 'remove':
    case 'packs': {
      const cmds = await import('./commands/packs');
      return { add: cmds.addCommand, remove: cmds.removeCommand, packs: cmds.packsCommand }[command](rest);
    }
    case 'help':
    case '--help':
    case '-h':
      process.stdout.write(USAGE);
      return EXIT.ok;
    case undefined:
      process.stderr.write(USAGE);
      return EXIT.usage;
    default:
      process.stderr.write(`reelgraph: unknown command "${command}"\n\n${USAGE}`);
      return EXIT.usage;
  }
}

/** First Ctrl+C cancels the job cleanly (nodes see the abort signal); a second one quits at once. */
function cancelOnInterrupt(): AbortSignal {
  const controller = new AbortController();
  process.on('SIGINT', () => {
    if (controller.signal.aborted) {
      if (process.stdout.isTTY) process.stdout.write('\x1b[?25h');
      process.exit(EXIT.cancelled);
    }
    process.stderr.write('\nCancelling… (Ctrl+C again to quit at once)\n');
    controller.abort();
  });
  return controller.signal;
}

main(process.argv.slice(2)).then(
  (code) => {
    if (code !== undefined) exit(code);
  },
  (err: unknown) => {
    if (err instanceof UsageError || (err as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')) {
      process.stderr.write(`reelgraph: ${(err as Error).message}\n\n${USAGE}`);
      exit(EXIT.usage);
    } else if (err instanceof CliFailure) {
      process.stderr.write(`reelgraph: ${err.message}\n`);
      exit(EXIT.failed);
    } else {
      process.stderr.write(
        `reelgraph: unexpected error: ${err instanceof Error ? (err.stack ?? err.message) : err}\n`,
      );
      exit(EXIT.failed);
    }
  },
);

/** Exit once stdout has drained: a pack may leave timers or handles open, and must not keep us alive. */
function exit(code: number): void {
  process.stdout.write('', () => process.exit(code));
}
