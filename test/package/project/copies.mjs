// Run with a second copy of @tensorflow/tfjs-core nested under tfjs-layers (what npm leaves
// when versions conflict): selectBackend warns once, however often it is called.
import { selectBackend } from 'denselab';

await selectBackend({ prefer: ['cpu'], envVar: false });
await selectBackend({ prefer: ['cpu'], envVar: false });
