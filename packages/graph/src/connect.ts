import type { SocketTypeSchema } from './catalog';
import { ANY } from './sockets';

/**
 * The one connection rule, over the catalog's serializable type table so the editor, the validator
 * and the "compatible nodes" search share it.
 */
export function canConnect(types: Record<string, SocketTypeSchema>, from: string, to: string): boolean {
  if (from === to || to === ANY || from === ANY) return true;
  // Own properties only: a type named "constructor" must not reach Object.prototype.
  const accepts = Object.hasOwn(types, to) ? types[to]?.accepts : undefined;
  return Array.isArray(accepts) && accepts.includes(from);
}
