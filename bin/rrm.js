#!/usr/bin/env node
// The `rrm` operator CLI. Runs the TypeScript sources through tsx so the repo needs no build step.
require('tsx/cjs');
require('../client/cli/main.ts');
