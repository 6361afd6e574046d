// Worker-thread entry when running from the TypeScript sources (tests, benches): registers tsx,
// then loads the worker. The compiled package (dist/) starts worker.js directly, without tsx.
import { register } from 'tsx/esm/api';

register();
await import('./worker.ts');
