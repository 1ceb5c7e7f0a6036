import { addPack, PackInstallError, parseSpec } from '@reelgraph/packs';
import { PackInstallBody, PackInstallResponse } from '@reelgraph/protocol';
import type { FastifyInstance } from 'fastify';
import { HttpError } from '../errors';
import type { ResolvedOptions } from '../options';
import { errors } from './error-responses';

export interface PackRoutesDeps {
  packInstall: ResolvedOptions['packInstall'];
  /** Load the packs again and tell the editors (after an install). */
  reload: () => Promise<void>;
}

/**
 * `POST /api/packs/install`: the missing-nodes dialog's "install". Only on a server started with pack
 * installs allowed (`--allow-pack-install`), and only for an admin: with named users an admin user, else
 * the holder of the server's token (the guard has checked it). One install at a time.
 */
export async function packRoutes(app: FastifyInstance, deps: PackRoutesDeps): Promise<void> {
  let busy = false;
  app.post<{ Body: PackInstallBody }>(
    '/api/packs/install',
    {
      schema: {
        summary: 'Install (or upgrade) a node pack from the npm registry, then reload the packs',
        tags: ['packs'],
        body: PackInstallBody,
        response: {
          200: PackInstallResponse,
          ...errors(400, 403, 409, 422),
        },
      },
    },
    async (req) => {
      const install = deps.packInstall;
      if (!install)
        throw new HttpError(
          403,
          'pack_install_disabled',
          'this server does not install packs; start it with --allow-pack-install, or run: reelgraph add <package>',
        );
      // With named users (serve --users), only an admin installs code that every user's jobs will run.
      if (req.user && !req.user.admin)
        throw new HttpError(403, 'forbidden', 'only an admin may install node packs');
      const { package: name, range } = req.body;
      try {
        parseSpec(name);
      } catch (err) {
        throw new HttpError(400, 'bad_request', (err as Error).message);
      }
      if (range !== undefined && !/^[\w.^~<>=| -]+$/.test(range))
        throw new HttpError(400, 'bad_request', `"${range}" is not a version range`);
      if (busy)
        throw new HttpError(409, 'busy', 'another pack is being installed; try again when it is done');
      busy = true;
      try {
        const added = await addPack(range ? `${name}@${range}` : name, {
          dir: install.dir,
          ...(install.registry ? { registry: install.registry } : {}),
        });
        await deps.reload();
        return {
          package: added.package,
          version: added.version,
          pack: added.pack,
          ...(added.integrity ? { integrity: added.integrity } : {}),
        };
      } catch (err) {
        if (err instanceof PackInstallError) throw new HttpError(422, 'pack_install_failed', err.message);
        throw err;
      } finally {
        busy = false;
      }
    },
  );
}
