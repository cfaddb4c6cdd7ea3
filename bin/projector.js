#!/usr/bin/env node
/**
 * `npm run projector`: the projector (apps/projector), built first only when its sources changed,
 * then run in this process.
 */
const { built } = require('./built');

require(built('projector', 'dist/apps/projector/apps/projector/src/main.js'));
