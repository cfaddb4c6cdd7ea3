/**
 * Jest runs PGlite's CommonJS build inside its own module sandbox, where a dynamic `import()` needs
 * Node's --experimental-vm-modules. PGlite only imports Node's own modules that way, so this turns
 * those imports into `require` (the module's own, taken at the top: PGlite's code later declares a
 * `require` of its own): `npx jest <file>` then works without the flag.
 */
const BUILTIN_IMPORT = /\bimport\((["'])((?:node:)?(?:fs|fs\/promises|module|stream|stream\/promises|util|zlib|path|url|crypto))\1\)/g;

const { createHash } = require('node:crypto');
const { readFileSync } = require('node:fs');
const OWN_SOURCE = readFileSync(__filename, 'utf8');

module.exports = {
  // This file's own text is part of the key: a change here must not leave stale transforms in Jest's cache.
  getCacheKey: (source, path) => createHash('sha256').update(OWN_SOURCE).update(path).update(source).digest('hex'),
  process(source) {
    const code = source.replace(BUILTIN_IMPORT, 'Promise.resolve().then(() => __requireBuiltin($1$2$1))');
    return { code: `const __requireBuiltin = require;\n${code}` };
  },
};
