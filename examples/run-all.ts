/**
 * Runs every example in turn, passing the same options (`--quick` for the short versions).
 *
 *   npm run examples                 # the full experiments (about 22 s on 2 cores, Node 24)
 *   npm run examples -- --quick      # what CI runs
 */
export const EXAMPLES = [
  'data-preparation',
  'linear-sgd',
  'linear-default-optimizer',
  'polyfit',
  'optimizer-comparison',
  'mnist-dense',
];

const args = process.argv.slice(2);
// One process for all of them: each example is a module whose top level runs it, so importing
// it runs it, with this process' arguments. Starting Node, tsx and tfjs once instead of six
// times saves about 1 s per example; `node --import tsx examples/<name>.ts` still runs one.
for (const name of EXAMPLES) {
  console.log(`\n=== ${name} ${args.join(' ')} ===`);
  const started = performance.now();
  try {
    await import(`./${name}.ts`);
  } catch (err) {
    console.error(`${name} failed:`, err);
    process.exit(1);
  }
  console.log(`=== ${name}: ${((performance.now() - started) / 1000).toFixed(1)} s ===`);
}
