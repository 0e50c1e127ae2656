import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';

// Unit tests run on the cpu backend: exact, and available everywhere.
await tf.setBackend('cpu');
await tf.ready();
