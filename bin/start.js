#!/usr/bin/env node
/**
 * `npm start`: the API, built first only when its sources changed, then run in this process (no
 * build tool left running beside it).
 */
const { built } = require('./built');

require(built('api', 'dist/apps/api/apps/api/src/main.js'));
