/**
 * NestJS 12 ships as ES modules only, and Jest (on Node 20) runs tests as CommonJS in its own module
 * sandbox, where an ES module cannot be required. This turns those packages' modules into CommonJS as
 * they are loaded (TypeScript's own transpiler, which knows both forms); `import.meta` becomes its
 * CommonJS equivalent. The built API runs the packages as they are: Node 20 requires ES modules itself.
 */
const { createHash } = require('node:crypto');
const { readFileSync } = require('node:fs');
const ts = require('typescript');

const OWN_SOURCE = readFileSync(__filename, 'utf8');

module.exports = {
  // This file's own text is part of the key: a change here must not leave stale transforms in Jest's cache.
  getCacheKey: (source, path) => createHash('sha256').update(OWN_SOURCE).update(path).update(source).digest('hex'),
  process(source, path) {
    const commonJs = source
      // A module's own `require` made from its URL: CommonJS has one already.
      .replace(/^(?:const|let|var) require = createRequire\(import\.meta\.url\);?$/gm, '')
      .replace(/\bimport\.meta\.url\b/g, "require('node:url').pathToFileURL(__filename).href")
      .replace(/\bimport\.meta\.resolve\b/g, '((specifier) => require("node:url").pathToFileURL(require.resolve(specifier)).href)')
      .replace(/\bimport\.meta\.dirname\b/g, '__dirname')
      .replace(/\bimport\.meta\.filename\b/g, '__filename');
    const { outputText } = ts.transpileModule(commonJs, {
      fileName: path,
      compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022, allowJs: true, esModuleInterop: true },
    });
    return { code: outputText };
  },
};
