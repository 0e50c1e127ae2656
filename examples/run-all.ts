/**
 * Runs every example in turn, passing the same options (`--quick` for the short versions).
 *
 *   npm run examples                 # the full experiments (the MNIST one takes ~12 min on 2 cores)
 *   npm run examples -- --quick      # what CI runs
 */
import { spawnSync } from 'node:child_process';

export const EXAMPLES = [
  'data-preparation',
  'linear-sgd',
  'linear-default-optimizer',
  'polyfit',
  'optimizer-comparison',
  'mnist-dense',
];

const args = process.argv.slice(2);
for (const name of EXAMPLES) {
  console.log(`\n=== ${name} ${args.join(' ')} ===`);
  const started = performance.now();
  const run = spawnSync(process.execPath, ['--import', 'tsx', `examples/${name}.ts`, ...args], {
    stdio: 'inherit',
  });
  if (run.status !== 0) {
    console.error(`${name} failed (exit ${run.status ?? run.signal})`);
    process.exit(1);
  }
  console.log(`=== ${name}: ${((performance.now() - started) / 1000).toFixed(1)} s ===`);
}
