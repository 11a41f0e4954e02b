#!/usr/bin/env node
// The procscope command; the CLI itself is built into dist/ by `npm run build` (run by npm ci).
require("../dist/cli/main.js");
