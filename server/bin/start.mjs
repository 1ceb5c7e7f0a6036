#!/usr/bin/env node
// `pnpm start`: the built server (server/dist), building it first when the sources changed.
import { ensureBuilt } from '../build/bundle.mjs';

const dist = await ensureBuilt();
await import(new URL('start.mjs', `file://${dist}/`).href);
