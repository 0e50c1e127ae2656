import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { quietCpuBackend } from '../src/internals/tfjsInternals';

// Unit tests run on the cpu backend: exact, and available everywhere.
await tf.setBackend('cpu');
await tf.ready();
quietCpuBackend(tf.backend()); // the tfjs-node advert, 18 times a run otherwise
