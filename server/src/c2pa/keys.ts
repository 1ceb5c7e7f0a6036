import 'reflect-metadata'; // @peculiar/x509's dependency injection needs it loaded first
import { createPrivateKey, type KeyObject, webcrypto, X509Certificate } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import * as x509 from '@peculiar/x509';

/** Where the signing key and its certificate chain (leaf first, PEM) live. */
export interface SigningFiles {
  keyFile: string;
  certFile: string;
  /** The local development chain made by `ensureDevChain`: no one trusts it. */
  dev: boolean;
}

export interface SigningKey {
  key: KeyObject;
  /** DER certificates, leaf first. */
  chain: Uint8Array[];
  /** COSE algorithm of the key: ES256 (P-256), ES384 (P-384) or Ed25519. */
  alg: 'es256' | 'es384' | 'ed25519';
  dev: boolean;
}

const PEM_CERT = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g;

export function loadSigningKey(files: SigningFiles): SigningKey {
  const key = createPrivateKey(readFileSync(files.keyFile, 'utf8'));
  const pems = readFileSync(files.certFile, 'utf8').match(PEM_CERT) ?? [];
  if (pems.length === 0) throw new Error(`c2pa: ${files.certFile} holds no PEM certificate`);
  const chain = pems.map((p) => new Uint8Array(new X509Certificate(p).raw));
  const leaf = new X509Certificate(pems[0] as string);
  if (!leaf.checkPrivateKey(key))
    throw new Error(`c2pa: the key in ${files.keyFile} is not the first certificate's`);
  const curve = key.asymmetricKeyDetails?.namedCurve;
  const alg =
    key.asymmetricKeyType === 'ed25519'
      ? 'ed25519'
      : curve === 'prime256v1'
        ? 'es256'
        : curve === 'secp384r1'
          ? 'es384'
          : undefined;
  if (!alg) throw new Error('c2pa: the key must be EC P-256, EC P-384 or Ed25519');
  return { key, chain, alg, dev: files.dev };
}

const DEV_DIR = 'c2pa-dev';
const DEV_ORG = 'Reelgraph local development signer (NOT TRUSTED)';

/**
 * A CA and a signing certificate made on this machine, kept in `<data>/c2pa-dev/`: c2pa validates the
 * signature and hashes with them, and reports `signingCredential.untrusted` (no trust list holds them).
 * Made once; later starts reuse them.
 */
export async function ensureDevChain(
  dataDir: string,
  curve: 'P-256' | 'P-384' = 'P-256',
): Promise<SigningFiles> {
  const dir = path.join(dataDir, DEV_DIR);
  const files = {
    keyFile: path.join(dir, 'signer.key.pem'),
    certFile: path.join(dir, 'chain.pem'),
    dev: true,
  };
  if (existsSync(files.keyFile) && existsSync(files.certFile)) return files;
  // Made in a folder of its own, then renamed into place: processes starting at once (CLI runs, a
  // server) never see a key and a certificate from two different makings.
  mkdirSync(dataDir, { recursive: true });
  const tmp = mkdtempSync(path.join(dataDir, `${DEV_DIR}.tmp-`));
  try {
    await writeDevChain(tmp, curve);
    try {
      renameSync(tmp, dir); // fails when another process got there first
    } catch (err) {
      if (existsSync(files.keyFile) && existsSync(files.certFile)) return files;
      if (!existsSync(dir)) throw err;
      rmSync(dir, { recursive: true, force: true }); // half made by an older version: replace it
      renameSync(tmp, dir);
    }
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
  return files;
}

async function writeDevChain(dir: string, curve: 'P-256' | 'P-384'): Promise<void> {
  const files = { keyFile: path.join(dir, 'signer.key.pem'), certFile: path.join(dir, 'chain.pem') };
  x509.cryptoProvider.set(webcrypto as unknown as Parameters<typeof x509.cryptoProvider.set>[0]);
  const alg = { name: 'ECDSA', namedCurve: curve, hash: curve === 'P-256' ? 'SHA-256' : 'SHA-384' };
  const day = 86_400_000;
  const now = Date.now();
  const serial = () =>
    Buffer.from(webcrypto.getRandomValues(new Uint8Array(8)))
      .toString('hex')
      .replace(/^[89a-f]/, '1');
  const caKeys = await webcrypto.subtle.generateKey(alg, true, ['sign', 'verify']);
  const ca = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: serial(),
    name: `CN=Reelgraph development CA, O=${DEV_ORG}`,
    notBefore: new Date(now - day),
    notAfter: new Date(now + 3650 * day),
    keys: caKeys,
    signingAlgorithm: alg,
    extensions: [
      new x509.BasicConstraintsExtension(true, 0, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true),
      await x509.SubjectKeyIdentifierExtension.create(caKeys.publicKey),
    ],
  });
  const keys = await webcrypto.subtle.generateKey(alg, true, ['sign', 'verify']);
  const leaf = await x509.X509CertificateGenerator.create({
    serialNumber: serial(),
    subject: `CN=Reelgraph development signer, O=${DEV_ORG}`,
    issuer: ca.subject,
    notBefore: new Date(now - day),
    notAfter: new Date(now + 1825 * day),
    signingKey: caKeys.privateKey,
    publicKey: keys.publicKey,
    signingAlgorithm: alg,
    extensions: [
      new x509.BasicConstraintsExtension(false, undefined, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature, true),
      // C2PA accepts e-mail protection or document signing as the signer's extended key usage
      new x509.ExtendedKeyUsageExtension(['1.3.6.1.5.5.7.3.4'], true),
      await x509.SubjectKeyIdentifierExtension.create(keys.publicKey),
      await x509.AuthorityKeyIdentifierExtension.create(ca),
    ],
  });
  const pkcs8 = Buffer.from(await webcrypto.subtle.exportKey('pkcs8', keys.privateKey)).toString('base64');
  const pem = `-----BEGIN PRIVATE KEY-----\n${pkcs8.replace(/.{64}/g, '$&\n')}\n-----END PRIVATE KEY-----\n`;
  writeFileSync(files.keyFile, pem.replace(/\n\n/g, '\n'), { mode: 0o600 });
  writeFileSync(files.certFile, `${leaf.toString('pem')}\n${ca.toString('pem')}\n`);
  writeFileSync(path.join(dir, 'ca.pem'), `${ca.toString('pem')}\n`);
}
