// Node module-resolution hooks (run on the loader thread; plain JS so they load without tsx).
// A pack outside this workspace (a user folder) has no node_modules with the host packages in it:
// when its own resolution fails, resolve the host's copy instead.

/** @type {Record<string, string>} specifier → file URL of the host's module */
let hostModules = {};

export function initialize(data) {
  hostModules = data?.modules ?? {};
}

export async function resolve(specifier, context, nextResolve) {
  try {
    return await nextResolve(specifier, context);
  } catch (err) {
    const target = hostModules[specifier];
    if (target && err?.code === 'ERR_MODULE_NOT_FOUND') return nextResolve(target, context);
    throw err;
  }
}
