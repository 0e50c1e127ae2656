// A user's script that fails after denselab started the wasm backend: with `denselab` as the
// first argument it imports denselab and calls selectBackend() first, with `plain` it does not.
// The second argument says how the user's code fails: `throw` (an uncaught exception) or
// `reject` (an unhandled rejection). The exit code and the report must be the same either way:
// the runtime's own, starting at the user's frame (test/backend/processHandlers.test.ts and
// test/package/runtimes.sh compare them).
const [use, how] = process.argv.slice(2);
if (use === 'denselab') {
  const { selectBackend } = await import('denselab');
  await selectBackend({ prefer: ['wasm'], envVar: false });
}
function usersOwnCode() {
  throw new Error('the user error');
}
if (how === 'throw') setTimeout(usersOwnCode, 0);
else Promise.reject(new Error('the user rejection'));
