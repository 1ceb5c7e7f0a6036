#!/usr/bin/env node
// The `reelgraph` command: runs the built CLI (server/dist), building it first when the sources changed.
import { ensureBuilt } from '../build/bundle.mjs';

const dist = await ensureBuilt();
await import(new URL('cli.mjs', `file://${dist}/`).href);
