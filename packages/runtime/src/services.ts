import type { GraphDocument } from '@reelgraph/graph';
import type { ModelRuntime } from './runtime';

declare module '@reelgraph/sdk' {
  interface NodeServices {
    /** Model discovery and onnxruntime sessions (shared across jobs). */
    models: ModelRuntime;
    /** The graph being run, as the host received it; save nodes embed it in the files they write. */
    graph: GraphDocument;
  }
}
