/**
 * The built form of one of our apps: the Nest CLI builds it (decorator metadata needs the TypeScript
 * compiler) only when a source changed since the last build, so an unchanged tree starts at once.
 * A stamp beside the output records the newest source time that build saw.
 */
const { spawnSync } = require('node:child_process');
const { existsSync, readdirSync, readFileSync, statSync, writeFileSync } = require('node:fs');
const { join } = require('node:path');

const root = join(__dirname, '..');
const SOURCES = ['apps', 'libs', 'tsconfig.json', 'tsconfig.build.json', 'nest-cli.json', 'package-lock.json'];

/** The newest modification time of the sources a build reads (tests left out). */
function newestSource(path) {
  const stat = statSync(path);
  if (!stat.isDirectory()) return /\.(ts|json)$/.test(path) && !path.endsWith('.spec.ts') ? stat.mtimeMs : 0;
  return readdirSync(path).reduce((newest, name) => Math.max(newest, newestSource(join(path, name))), 0);
}

/** Builds `project` (a project of nest-cli.json) if needed; answers the path of its entry file, or exits with a sentence. */
function built(project, entry) {
  const output = join(root, entry);
  const stamp = join(root, 'dist', `.built-${project}`);
  const sources = String(Math.max(...SOURCES.map((source) => newestSource(join(root, source)))));
  if (existsSync(output) && existsSync(stamp) && readFileSync(stamp, 'utf8') === sources) return output;
  process.stderr.write(`kring: building ${project} (sources changed since the last build)...\n`);
  const build = spawnSync(process.execPath, [join(root, 'node_modules', '@nestjs', 'cli', 'bin', 'nest.js'), 'build', project], {
    cwd: root,
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  if (build.status !== 0) {
    process.stderr.write(`kring: building ${project} failed (${build.error?.message ?? `exit ${build.status}`})\n`);
    process.exit(1);
  }
  writeFileSync(stamp, sources);
  return output;
}

module.exports = { built };
