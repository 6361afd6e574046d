#!/usr/bin/env node
// Runs the compiled CLI (dist/, built by `npm run build`; `npm install` in a clone builds it).
// `#cli` is mapped in package.json: under `node --conditions=autoflood-source --import tsx` it
// is the TypeScript source instead, which is how the tests run the CLI without a build.
import { main } from '#cli';

process.exitCode = await main(process.argv.slice(2));
