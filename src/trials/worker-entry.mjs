// Worker-thread entry: loads the TypeScript worker through tsx (the repo has no build step).
import { register } from 'tsx/esm/api';

register();
await import('./worker.ts');
