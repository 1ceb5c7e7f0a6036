import { createHash, X509Certificate } from 'node:crypto';
import { readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
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
    const { WasmBuilder } = await c2paWasm();
    const builder = WasmBuilder.fromJson(JSON.stringify(manifestDefinition(facts)), this.#context);
    try {
      for (const ing of ingredients) {
        const json = JSON.stringify({ title: ing.title, relationship: 'inputTo' });
        await builder.addIngredientFromBlob(json, ing.mime, asBlob(readFileSync(ing.file)));
      }
      const signed = await builder.sign(this.#signer, [], facts.mime, asBlob(readFileSync(file)));
      const tmp = path.join(path.dirname(file), `.${path.basename(file)}.c2pa-${process.pid}`);
      try {
        writeFileSync(tmp, signed);
        renameSync(tmp, file);
      } catch (err) {
        rmSync(tmp, { force: true });
        throw err;
      }
    } catch (err) {
      // the bindings throw strings and plain objects
      throw err instanceof Error ? err : new Error(`c2pa signing failed: ${String(err)}`);
    } finally {
      builder.free();
    }
    return { signed: true, issuer: this.issuer, development: this.key.dev, ms: performance.now() - t0 };
  }
}
