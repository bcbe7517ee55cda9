// Grad mode per async context. libtorch keeps grad mode per thread, but JS interleaves async functions
// on one thread: `await torch.noGrad(async () => { ... await ... })` must hold across its awaits and
// never leak into work running beside it. The mode lives in an AsyncLocalStorage; every native call
// first makes libtorch's flag match the caller's context (installGradSync in lib/native.ts).
import { AsyncLocalStorage } from 'async_hooks';

const scope = new AsyncLocalStorage<{ grad: boolean }>();
let outside = true;     // the mode outside every scope (setGradEnabled(mode) with no function)
let applied = true;     // libtorch's flag on this thread, as last set from here
let scoped = false;     // no scope was ever entered: the flag always equals `outside`, nothing to check
let setNative: (on: boolean) => void = () => undefined;

/** @internal lib/native.ts hands over libtorch's raw setter */
export function bindGradSetter(setter: (on: boolean) => void, initial: boolean): void {
  setNative = setter;
  outside = applied = initial;
}

/** The grad mode of the calling context. */
export function gradEnabled(): boolean { return scope.getStore()?.grad ?? outside; }

/** @internal makes libtorch's flag match the calling context; called before every native call */
export function applyGradMode(): void {
  if (!scoped) return;
  const want = gradEnabled();
  if (want !== applied) {
    setNative(want);
    applied = want;
  }
}

/** Runs fn, and everything it awaits, with grad mode `grad`. */
export function runWithGrad<T>(grad: boolean, fn: () => T): T {
  scoped = true;
  return scope.run({ grad }, () => {
    applyGradMode();
    return fn();
  });
}

/** Sets the mode of the calling context (the current scope, or outside every scope). */
export function setGradMode(on: boolean): void {
  const store = scope.getStore();
  if (store) store.grad = on;
  else outside = on;
  if (!scoped) {
    setNative(on);
    applied = on;
    return;
  }
  applyGradMode();
}

/** `using _ = torch.noGrad()`: the mode for the rest of the calling scope, restored at dispose. */
export function enterGrad(grad: boolean): { [Symbol.dispose](): void } {
  scoped = true;
  const previous = scope.getStore();
  scope.enterWith({ grad });
  applyGradMode();
  const dispose = (): void => {
    scope.enterWith(previous ?? { grad: outside });
    applyGradMode();
  };
  const key = (Symbol as { dispose?: symbol }).dispose ?? Symbol.for('Symbol.dispose');
  return { [key]: dispose } as unknown as { [Symbol.dispose](): void };
}
