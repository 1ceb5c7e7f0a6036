/** What a signed output says about itself (pure: the manifest definition handed to the c2pa builder). */

export const TRAINED_ALGORITHMIC_MEDIA =
  'http://cv.iptc.org/newscodes/digitalsourcetype/trainedAlgorithmicMedia';
/** Reelgraph's own assertion: the graph's hash, the models and the node that wrote the file. */
export const GENERATION_ASSERTION = 'org.reelgraph.generation';

export interface ModelFacts {
  id: string;
  name: string;
  version: string;
  /** sha256 over the model's files: `sha256(<key> <sha256 of file>\n …)`, keys sorted. */
  hash: string;
  files: Record<string, string>;
}

export interface Ingredient {
  file: string;
  mime: string;
  title: string;
}

export interface OutputFacts {
  title: string;
  mime: string;
  version: string;
  /** sha256 of the graph JSON as embedded in the file (`JSON.stringify` of the document). */
  graphHash?: string;
  models: ModelFacts[];
  jobId: string;
  node: { id: string; type: string };
}

export function manifestDefinition(f: OutputFacts): Record<string, unknown> {
  const agent = { name: 'Reelgraph', version: f.version };
  return {
    claim_generator_info: [agent],
    title: f.title,
    format: f.mime,
    assertions: [
      {
        label: 'c2pa.actions.v2',
        data: {
          actions: [
            {
              action: 'c2pa.created',
              digitalSourceType: TRAINED_ALGORITHMIC_MEDIA,
              softwareAgent: agent,
              ...(f.models.length > 0 ? { parameters: { models: f.models.map((m) => m.name) } } : {}),
            },
          ],
        },
      },
      {
        label: GENERATION_ASSERTION,
        data: {
          generator: `Reelgraph ${f.version}`,
          ...(f.graphHash ? { graphHash: f.graphHash } : {}),
          models: f.models,
          jobId: f.jobId,
          node: f.node,
        },
      },
    ],
  };
}
