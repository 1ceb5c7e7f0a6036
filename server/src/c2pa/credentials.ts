import { createHash, X509Certificate } from 'node:crypto';
import { readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { REPO_ROOT, SERVER_VERSION } from '../options';
import { coseSigner } from './cose';
import type { SigningKey } from './keys';
import { type Ingredient, manifestDefinition, type OutputFacts } from './manifest';
import { asBlob, C2PA_FORMATS, c2paContext, c2paWasm } from './wasm';

/** What a signing did, for the output's metadata (and the editor's "content credentials" mark). */
export type CredentialsResult =
  | { signed: true; issuer: string; development: boolean; ms: number }
  | { signed: false; reason: string };

export const sha256 = (data: string | Uint8Array) => createHash('sha256').update(data).digest('hex');

/** Signs output files in place with a C2PA manifest (`@contentauth/c2pa-wasm`, key from node:crypto). */
export class ContentCredentials {
  readonly #signer;
  readonly #context = c2paContext({ signing: true });
  readonly issuer: string;

  constructor(readonly key: SigningKey) {
    this.#signer = coseSigner(key);
    const subject = new X509Certificate(key.chain[0] as Uint8Array).subject;
    const cn = /(?:^|\n)CN=([^\n]+)/.exec(subject)?.[1];
    this.issuer = key.dev ? 'Reelgraph local development signer (not trusted)' : (cn ?? subject);
  }

  /** Embed a manifest in `file` (written to a temporary name, then renamed over it). */
  async sign(file: string, facts: OutputFacts, ingredients: Ingredient[] = []): Promise<CredentialsResult> {
    if (!C2PA_FORMATS.has(facts.mime))
      return { signed: false, reason: `c2pa cannot embed a manifest in ${facts.mime}` };
    const t0 = performance.now();
    const signed = await this.#signBytes(readFileSync(file), facts, ingredients);
    const tmp = path.join(path.dirname(file), `.${path.basename(file)}.c2pa-${process.pid}`);
    try {
      writeFileSync(tmp, signed);
      renameSync(tmp, file);
    } catch (err) {
      rmSync(tmp, { force: true });
      throw err;
    }
    return { signed: true, issuer: this.issuer, development: this.key.dev, ms: performance.now() - t0 };
  }

  /**
   * Sign a sample clip in memory a few times, yielding between rounds. The module is compiled for
   * TurboFan only, lazily per function (wasm.ts): the first signing compiles the functions it calls
   * (~0.4 s of CPU), later ones run optimised code (~3–4 ms of CPU). Hosts call this at start, in the
   * background like model warm-up, so no output pays for it. Never throws (a broken signer shows at
   * the first real output).
   */
  async warm(rounds = WARM_ROUNDS): Promise<void> {
    try {
      const sample = readFileSync(WARM_SAMPLE);
      const facts: OutputFacts = {
        title: 'warm-up.mp4',
        mime: 'video/mp4',
        version: SERVER_VERSION,
        graphHash: '0'.repeat(64),
        models: [],
        jobId: 'warm-up',
        node: { id: 'warm-up', type: 'warm-up' },
      };
      for (let i = 0; i < rounds; i++) {
        await this.#signBytes(sample, facts, []);
        await new Promise((r) => setImmediate(r));
      }
    } catch {
      // the first real signing reports it
    }
  }

  async #signBytes(bytes: Uint8Array, facts: OutputFacts, ingredients: Ingredient[]): Promise<Uint8Array> {
    const { WasmBuilder } = await c2paWasm();
    const builder = WasmBuilder.fromJson(JSON.stringify(manifestDefinition(facts)), this.#context);
    try {
      for (const ing of ingredients) {
        const json = JSON.stringify({ title: ing.title, relationship: 'inputTo' });
        await builder.addIngredientFromBlob(json, ing.mime, asBlob(readFileSync(ing.file)));
      }
      return await builder.sign(this.#signer, [], facts.mime, asBlob(bytes));
    } catch (err) {
      // the bindings throw strings and plain objects
      throw err instanceof Error ? err : new Error(`c2pa signing failed: ${String(err)}`);
    } finally {
      builder.free();
    }
  }
}

/** The warm-up signs a tiny-model clip, the size of what it speeds up. */
const WARM_SAMPLE = path.join(REPO_ROOT, 'graphs', 'assets', 'clip.mp4');
const WARM_ROUNDS = 5;
