import type { WasmReader } from '@contentauth/c2pa-wasm';
import { extractGraph } from '@reelgraph/media';
import { sha256 } from './credentials';
import { GENERATION_ASSERTION } from './manifest';
import { c2paContext, c2paWasm } from './wasm';

export interface StatusEntry {
  code: string;
  explanation?: string;
  url?: string;
}

export interface Verification {
  /** c2pa's verdict: `Invalid` (a hash or signature fails), `Valid` (all checks but trust), `Trusted`. */
  state: 'Invalid' | 'Valid' | 'Trusted' | 'None';
  /** Failures other than an untrusted signer (those make the file Invalid). */
  failures: StatusEntry[];
  /** The signer is not on a trust list (a development chain, or no --trust given). */
  untrusted: boolean;
  manifest?: Record<string, unknown>;
  generation?: Record<string, unknown>;
  /** The embedded graph hashes to the manifest's graphHash (undefined: no graph or no hash). */
  graphMatches?: boolean;
  error?: string;
}

const UNTRUSTED = 'signingCredential.untrusted';

/** Read and validate the C2PA manifest of a file's bytes. Never throws for bad input: `state: None`. */
export async function verifyBytes(
  bytes: Uint8Array,
  mime: string,
  trustAnchorsPem?: string,
): Promise<Verification> {
  let reader: WasmReader;
  try {
    reader = await (await c2paWasm()).WasmReader.fromBytes(
      mime,
      bytes,
      c2paContext(trustAnchorsPem ? { trustAnchorsPem } : {}),
    );
  } catch (err) {
    return { state: 'None', failures: [], untrusted: false, error: String((err as Error)?.message ?? err) };
  }
  try {
    const store = JSON.parse(reader.json()) as {
      validation_state?: Verification['state'];
      validation_results?: { activeManifest?: { failure?: StatusEntry[] } };
      validation_status?: StatusEntry[];
    };
    const failed = store.validation_results?.activeManifest?.failure ?? store.validation_status ?? [];
    const manifest = reader.activeManifest() as Record<string, unknown> | undefined;
    const assertions = (manifest?.assertions ?? []) as { label: string; data: Record<string, unknown> }[];
    const generation = assertions.find((a) => a.label === GENERATION_ASSERTION)?.data;
    const out: Verification = {
      state: store.validation_state ?? 'Invalid',
      failures: failed.filter((f) => f.code !== UNTRUSTED),
      untrusted: failed.some((f) => f.code === UNTRUSTED),
      ...(manifest ? { manifest } : {}),
      ...(generation ? { generation } : {}),
    };
    const graph = await safeGraph(bytes);
    if (graph !== undefined && typeof generation?.graphHash === 'string')
      out.graphMatches = sha256(JSON.stringify(graph)) === generation.graphHash;
    return out;
  } finally {
    reader.free();
  }
}

async function safeGraph(bytes: Uint8Array): Promise<unknown> {
  try {
    return (await extractGraph(bytes)) ?? undefined;
  } catch {
    return undefined;
  }
}

/** `Valid` or `Trusted`, no failure: the file is as signed. */
export const intact = (v: Verification) =>
  (v.state === 'Valid' || v.state === 'Trusted') && v.failures.length === 0;
