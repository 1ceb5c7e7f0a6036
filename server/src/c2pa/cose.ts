import { sign } from 'node:crypto';
import { Encoder, Tag } from 'cbor-x';
import type { SigningKey } from './keys';

// Maps with integer keys stay maps; byte strings stay plain CBOR byte strings.
const cbor = new Encoder({ mapsAsObjects: false, useRecords: false, tagUint8Array: false });

const COSE_ALG = { es256: -7, es384: -35, ed25519: -8 } as const;
const HASH = { es256: 'sha256', es384: 'sha384', ed25519: null } as const;

/** Room for the COSE_Sign1 in the manifest: the chain plus framing and signature, rounded up. */
export function reserveSize(key: SigningKey): number {
  const chainBytes = key.chain.reduce((n, c) => n + c.length + 4, 0);
  return Math.ceil((chainBytes + 512) / 1024) * 1024;
}

/**
 * The signer the wasm bindings call (0.15 leaves the COSE structure to it: no certificate field in
 * the SignerDefinition). It returns a detached COSE_Sign1 (RFC 9052) over the claim, with the chain in
 * the protected `x5chain` header as c2pa expects, padded (unprotected `pad`) to exactly the reserved size.
 */
export function coseSigner(key: SigningKey) {
  const size = reserveSize(key);
  const chain = key.chain.length === 1 ? key.chain[0] : key.chain;
  const protectedHeader = cbor.encode(
    new Map<number, unknown>([
      [1, COSE_ALG[key.alg]],
      [33, chain],
    ]),
  );
  return {
    alg: key.alg,
    reserveSize: size,
    sign: async (claim: Uint8Array): Promise<Uint8Array<ArrayBuffer>> => {
      const toBeSigned = cbor.encode(['Signature1', protectedHeader, new Uint8Array(0), claim]);
      const signature = sign(HASH[key.alg], toBeSigned, { key: key.key, dsaEncoding: 'ieee-p1363' });
      const build = (pad: number) =>
        cbor.encode(new Tag([protectedHeader, new Map([['pad', new Uint8Array(pad)]]), null, signature], 18));
      // len(pad p) = len(pad 0) - 1 + p + the byte string's head for p (1, 2 or 3 bytes)
      const room = size - build(0).length + 1;
      const head = (p: number) => (p < 24 ? 1 : p < 256 ? 2 : 3);
      const pad = [1, 2, 3].map((h) => room - h).find((p) => p >= 0 && head(p) === room - p);
      if (pad === undefined) throw new Error(`c2pa: the signature does not fit the ${size} bytes reserved`);
      const out = build(pad);
      if (out.length !== size)
        throw new Error(`c2pa: COSE signature is ${out.length} bytes, ${size} reserved`);
      return new Uint8Array(out);
    },
  };
}
