import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import v8 from 'node:v8';
import * as c2pa from '@contentauth/c2pa-wasm';

/**
 * `@contentauth/c2pa-wasm` in Node. The package is built for browsers: signing reads its source through
 * `Blob.size`, `Blob.slice` and the worker-only `FileReaderSync`. Node has no synchronous way to read a
 * real Blob, so assets go in as `BytesBlob` (the same three members over bytes already in memory) and a
 * `FileReaderSync` that reads only those is installed when the runtime has none.
 */
export class BytesBlob {
  constructor(readonly bytes: Uint8Array) {}
  get size(): number {
    return this.bytes.length;
  }
  slice(start?: number, end?: number): BytesBlob {
    return new BytesBlob(this.bytes.subarray(start, end));
  }
}

class BytesFileReaderSync {
  readAsArrayBuffer(blob: unknown): ArrayBuffer {
    if (!(blob instanceof BytesBlob)) throw new TypeError('this FileReaderSync reads BytesBlob only');
    // a copy of just these bytes (a Buffer's .slice() is a view into a shared pool)
    return Uint8Array.prototype.slice.call(blob.bytes).buffer as ArrayBuffer;
  }
}

let ready = false;
let compiling: Promise<WebAssembly.Module> | undefined;

const wasmBytes = () =>
  readFileSync(createRequire(import.meta.url).resolve('@contentauth/c2pa-wasm/c2pa.wasm'));

/**
 * Start compiling the module on V8's background threads (a node host that signs calls this at start),
 * so the first output does not wait for it. Compiled once per process.
 */
export function precompileC2pa(): Promise<WebAssembly.Module> {
  // the lib settings here declare WebAssembly's types only; the runtime has the API
  const wasm = (
    globalThis as unknown as { WebAssembly: { compile(b: Uint8Array): Promise<WebAssembly.Module> } }
  ).WebAssembly;
  if (compiling) return compiling;
  // TurboFan only, lazily per function: Liftoff's baseline code made the first ~20 signings 4–5× slower
  // than optimised ones. The flag is read when the module is compiled, and restored after.
  v8.setFlagsFromString('--no-liftoff');
  try {
    compiling = wasm.compile(wasmBytes());
  } finally {
    v8.setFlagsFromString('--liftoff');
  }
  return compiling;
}

function init(module: WebAssembly.Module | Uint8Array): typeof c2pa {
  if (!ready) {
    const g = globalThis as { FileReaderSync?: unknown };
    g.FileReaderSync ??= BytesFileReaderSync;
    c2pa.initSync({ module });
    ready = true;
  }
  return c2pa;
}

/** The module, ready: the background compile when one was started, else compiled now. */
export async function c2paWasm(): Promise<typeof c2pa> {
  if (ready) return c2pa;
  return init(compiling ? await compiling : wasmBytes());
}

/** As a `Blob` parameter of the bindings (they only call size/slice and FileReaderSync on it). */
export const asBlob = (bytes: Uint8Array) => new BytesBlob(bytes) as unknown as Blob;

/**
 * Settings for builder and reader: nothing fetched from the network (OCSP, remote manifests), no
 * generated thumbnail (it would embed a frame of every output a second time).
 */
export function c2paContext(o: { trustAnchorsPem?: string; signing?: boolean } = {}): string {
  const { trustAnchorsPem, signing } = o;
  return JSON.stringify({
    // signing: the file is not read back and validated again (the tests do that); ~2× faster
    verify: {
      ocsp_fetch: false,
      remote_manifest_fetch: false,
      ...(signing ? { verify_after_sign: false } : {}),
    },
    builder: { thumbnail: { enabled: false } },
    ...(trustAnchorsPem ? { trust: { user_anchors: trustAnchorsPem } } : {}),
  });
}

/** Output MIME types c2pa can embed a manifest in (c2pa-rs asset handlers; no WebM, no text). */
export const C2PA_FORMATS = new Set(['video/mp4', 'image/png', 'image/jpeg', 'image/webp', 'image/gif']);
