/**
 * Keeps the process's error handling the user's. tfjs-backend-wasm's Node build (Emscripten)
 * adds an `uncaughtException` listener that rethrows from inside tfjs, so any later uncaught
 * error in the user's code exits with code 7 and a report that starts in
 * `tf-backend-wasm.node.js`, and an `unhandledRejection` listener that throws. Emscripten
 * removes them only in its module's `_dispose`, which tfjs never calls. denselab removes them
 * whenever it touches a backend; tfjs' own failures still surface as errors from the calls
 * that caused them (an abort throws a `RuntimeError` there). Internal.
 */
import { emscriptenProcessListeners } from '../internals/tfjsInternals';

/** Removes Emscripten's process listeners, if any; returns how many were removed. */
export function restoreProcessHandlers(): number {
  const found = emscriptenProcessListeners();
  for (const { event, listener } of found) process.removeListener(event, listener);
  return found.length;
}
