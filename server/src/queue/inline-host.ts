import type { PackCatalog } from '@reelgraph/packs';
import type { PolicyFinding } from '@reelgraph/protocol';
import type { TextInput } from '../policy/check-graph';
import { HostCore } from './host-core';
import type { HostConfig, NodeHost, RunOutcome, RunRequest } from './node-host';

/** Runs nodes in the server's own process: fastest, but a node that blocks the event loop blocks the server. */
export class InlineNodeHost implements NodeHost {
  private constructor(readonly core: HostCore) {}

  static async start(config: HostConfig): Promise<InlineNodeHost> {
    return new InlineNodeHost(await HostCore.create(config));
  }

  get catalog(): PackCatalog {
    return this.core.catalog;
  }

  get system(): Record<string, unknown> {
    return this.core.system;
  }

  run(req: RunRequest): Promise<RunOutcome> {
    return this.core.run(req.jobId, req.graph, req.targets, req.signal, req.onEvent);
  }

  classifyTexts(texts: TextInput[]): Promise<PolicyFinding[]> {
    return this.core.classifyTexts(texts);
  }

  async reload(): Promise<void> {
    await this.core.reload();
  }

  async kill(): Promise<boolean> {
    return false;
  }

  close(): Promise<void> {
    return this.core.close();
  }
}
