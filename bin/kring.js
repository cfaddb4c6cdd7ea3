#!/usr/bin/env node
/**
 * `npx kring …` and `npm run kring -- …`: the command line, built first only when its sources
 * changed, then run in this process, in the caller's directory.
 */
const { built } = require('./built');

require(built('cli', 'dist/apps/cli/apps/cli/src/kring.js'));
