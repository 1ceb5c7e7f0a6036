import { ErrorBody } from '@reelgraph/protocol';

/** The error responses a route may give, for the OpenAPI document (all `ErrorBody`, registered once). */
export function errors(...codes: number[]): Record<number, { $ref: string }> {
  const out: Record<number, { $ref: string }> = {};
  for (const c of codes) out[c] = { $ref: `${ErrorBody.$id}#` };
  return out;
}
