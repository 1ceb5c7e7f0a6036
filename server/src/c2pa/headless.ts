import path from 'node:path';
import type { Io } from '../commands/cli-common';
import { REPO_ROOT } from '../options';
import { ContentCredentials } from './credentials';
import { loadSigningKey } from './keys';
import { signingFiles } from './setup';
import { precompileC2pa } from './wasm';

export { withCredentials } from './wrap-nodes';

/** The signer for this run (off with --no-c2pa), warming in the background while the graph runs. */
export async function headlessCredentials(
  values: { data?: string; 'c2pa-key'?: string; 'c2pa-cert'?: string; 'no-c2pa'?: boolean },
  io: Io,
): Promise<ContentCredentials | undefined> {
  const files = await signingFiles({
    c2pa: values['no-c2pa'] !== true,
    c2paKeyFile: values['c2pa-key'] && path.resolve(values['c2pa-key']),
    c2paCertFile: values['c2pa-cert'] && path.resolve(values['c2pa-cert']),
    dataDir: path.resolve(values.data ?? path.join(REPO_ROOT, '.reelgraph')),
  });
  if (!files) return undefined;
  if (files.dev)
    io.err.write(
      `Content credentials: signing with a local DEVELOPMENT certificate (${files.certFile}), not a trusted signer.\n`,
    );
  const credentials = new ContentCredentials(loadSigningKey(files));
  void precompileC2pa()
    .then(() => credentials.warm())
    .catch(() => {});
  return credentials;
}
