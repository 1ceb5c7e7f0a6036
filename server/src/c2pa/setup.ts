import { ensureDevChain, loadSigningKey, type SigningFiles } from './keys';

export interface SigningOptions {
  c2pa: boolean;
  c2paKeyFile: string | undefined;
  c2paCertFile: string | undefined;
  dataDir: string;
}

/**
 * The key and chain outputs are signed with: the configured ones (checked now, so a bad key stops the
 * start), else the local development chain in the data folder. undefined: signing is off (`--no-c2pa`).
 */
export async function signingFiles(o: SigningOptions): Promise<SigningFiles | undefined> {
  if (!o.c2pa) return undefined;
  if (o.c2paKeyFile || o.c2paCertFile) {
    if (!o.c2paKeyFile || !o.c2paCertFile) throw new Error('c2pa: give both --c2pa-key and --c2pa-cert');
    const files = { keyFile: o.c2paKeyFile, certFile: o.c2paCertFile, dev: false };
    loadSigningKey(files);
    return files;
  }
  const files = await ensureDevChain(o.dataDir);
  loadSigningKey(files);
  return files;
}
