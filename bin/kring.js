#!/usr/bin/env node
/**
 * `npx kring …` and `npm run kring -- …`: builds the CLI (Nest needs the decorator metadata only the
 * TypeScript compiler emits; unchanged sources make it quick), then runs it in the caller's directory.
 */
const { spawnSync } = require('node:child_process');
const { join } = require('node:path');

const root = join(__dirname, '..');
const built = spawnSync(join(root, 'node_modules', '.bin', 'nest'), ['build', 'cli'], {
  cwd: root,
  stdio: ['ignore', 'ignore', 'inherit'],
});
if (built.status !== 0) {
  process.stderr.write(`kring: building the command line failed (${built.error?.message ?? `exit ${built.status}`})\n`);
  process.exit(1);
}
const run = spawnSync(process.execPath, [join(root, 'dist', 'apps', 'cli', 'apps', 'cli', 'src', 'kring.js'), ...process.argv.slice(2)], {
  stdio: 'inherit',
});
process.exit(run.status ?? 1);
