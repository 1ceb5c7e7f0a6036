/**
 * Nesting depth of JSON text, read from the raw characters: one linear pass, no recursion, no parse. It
 * runs before `JSON.parse`, so a body nested a million levels deep is refused after reading as many
 * characters as the limit allows, before any recursive walk (stringify, a reviver, a validator) could
 * overflow the stack or take seconds. It does not check syntax: brackets inside strings are skipped and a
 * stray closing bracket never takes the depth below zero.
 */

/** Brackets and quotes: everything else (numbers, literals, whitespace) cannot change the depth. */
const STRUCTURE = /["[\]{}]/g;

/** Whether `text` opens more than `maxDepth` arrays or objects inside one another. */
export function jsonDepthExceeds(text: string, maxDepth: number): boolean {
  const re = new RegExp(STRUCTURE);
  let depth = 0;
  for (let m = re.exec(text); m !== null; m = re.exec(text)) {
    const c = text.charCodeAt(m.index);
    if (c === 0x22 /* " */) {
      // Jump to the closing quote: one after an even run of backslashes.
      let q = m.index;
      for (;;) {
        q = text.indexOf('"', q + 1);
        if (q === -1) return false;
        let slashes = 0;
        while (text.charCodeAt(q - 1 - slashes) === 0x5c) slashes++;
        if (slashes % 2 === 0) break;
      }
      re.lastIndex = q + 1;
    } else if (c === 0x5b /* [ */ || c === 0x7b /* { */) {
      if (++depth > maxDepth) return true;
    } else if (depth > 0) depth--;
  }
  return false;
}
