#!/usr/bin/env node
// Runs the compiled CLI (dist/, built by `npm run build`; `npm install` in a clone builds it).
// `#cli` is mapped in package.json: under `node --conditions=autoflood-source --import tsx` it
// is the TypeScript source instead, which is how the tests run the CLI without a build.
import { main } from '#cli';

// `autoflood tune --help | head`: a reader that closes the pipe early ends the output, not in a stack trace.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (err) => {
    if (err.code === 'EPIPE') process.exit(process.exitCode ?? 0);
    throw err;
  });
}

process.exitCode = await main(process.argv.slice(2));
