/**
 * The built form of one of our apps: the Nest CLI builds it (decorator metadata needs the TypeScript
 * compiler) only when a source changed since the last build, so an unchanged tree starts at once.
 * A stamp beside the output records the newest source time that build saw.
 */
const { spawnSync } = require('node:child_process');
const { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } = require('node:fs');
const { join } = require('node:path');

const root = join(__dirname, '..');
const SOURCES = ['apps', 'libs', 'tsconfig.json', 'tsconfig.build.json', 'nest-cli.json', 'package-lock.json'];

/** The newest modification time of the sources a build reads (tests left out). */
function newestSource(path) {
  const stat = statSync(path);
  if (!stat.isDirectory()) return /\.(ts|json)$/.test(path) && !path.endsWith('.spec.ts') ? stat.mtimeMs : 0;
  return readdirSync(path).reduce((newest, name) => Math.max(newest, newestSource(join(path, name))), 0);
}

/** Sleeps without returning to the event loop: this runs before the app exists. */
const sleepSync = (ms) => Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);

/**
 * Holds a lock (a directory: creating one is atomic) while `work` runs, so that processes started
 * side by side (API replicas, a projector, test suites) never build into the same folder at once.
 * A lock left by a build that was killed is taken over after ten minutes.
 */
function whileLocked(work) {
  const lock = join(root, 'dist', '.build-lock');
  mkdirSync(join(root, 'dist'), { recursive: true });
  for (;;) {
    try {
      mkdirSync(lock);
      break;
    } catch (error) {
      if (error.code !== 'EEXIST') throw error;
      if (Date.now() - statSync(lock, { throwIfNoEntry: false })?.mtimeMs > 600_000) rmSync(lock, { recursive: true, force: true });
      sleepSync(200);
    }
  }
  try {
    return work();
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
}

/** Builds `project` (a project of nest-cli.json) if needed; answers the path of its entry file, or exits with a sentence. */
function built(project, entry) {
  const output = join(root, entry);
  const stamp = join(root, 'dist', `.built-${project}`);
  const sources = String(Math.max(...SOURCES.map((source) => newestSource(join(root, source)))));
  const upToDate = () => existsSync(output) && existsSync(stamp) && readFileSync(stamp, 'utf8') === sources;
  if (upToDate()) return output;
  const failure = whileLocked(() => {
    // Another process may have built it while this one waited for the lock.
    if (upToDate()) return undefined;
    process.stderr.write(`kring: building ${project} (sources changed since the last build)...\n`);
    const build = spawnSync(process.execPath, [join(root, 'node_modules', '@nestjs', 'cli', 'bin', 'nest.js'), 'build', project], {
      cwd: root,
      stdio: ['ignore', 'ignore', 'inherit'],
    });
    if (build.status !== 0) return build.error?.message ?? `exit ${build.status}`;
    writeFileSync(stamp, sources);
    return undefined;
  });
  if (failure) {
    process.stderr.write(`kring: building ${project} failed (${failure})\n`);
    process.exit(1);
  }
  return output;
}

module.exports = { built };
