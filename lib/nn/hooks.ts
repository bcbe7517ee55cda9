// Forward hooks and pre-hooks (PyTorch's register_forward_hook / register_forward_pre_hook): where they
// are kept, by module id, and the handle that removes one.
import type { Tensor } from '../torch/tensor';

/** hook(module, input, output): input is the tuple of positional arguments, as in PyTorch. Return a Tensor to replace the output. */
export type ForwardHook<M = unknown> = (module: M, input: [Tensor], output: Tensor) => Tensor | void | undefined;
/** hook(module, input): return a Tensor (or [Tensor]) to replace the input. */
export type ForwardPreHook<M = unknown> = (module: M, input: [Tensor]) => Tensor | [Tensor] | void | undefined;

type AnyHook = ForwardHook | ForwardPreHook;
const tables = { pre: new Map<number, Map<number, AnyHook>>(), post: new Map<number, Map<number, AnyHook>>() };
let nextHandle = 1;

/**
 * What register*Hook returns: remove() takes the hook out (again: a no-op).
 * Mirrors `torch.utils.hooks.RemovableHandle`.
 */
export class RemovableHandle {
  constructor(readonly id: number, private readonly onRemove: () => void) {}
  /** Removes the hook; calling it again does nothing. Mirrors `RemovableHandle.remove`. */
  remove(): void { this.onRemove(); }
}

/** @internal adds a hook; `changed(anyLeft)` is told whether the module still has hooks after each change */
export function addHook(kind: 'pre' | 'post', moduleId: number, hook: AnyHook, changed: (anyLeft: boolean) => void): RemovableHandle {
  const table = tables[kind];
  const hooks = table.get(moduleId) ?? new Map<number, AnyHook>();
  table.set(moduleId, hooks);
  const id = nextHandle++;
  hooks.set(id, hook);
  changed(true);
  return new RemovableHandle(id, () => {
    if (!hooks.delete(id)) return;
    if (hooks.size === 0) table.delete(moduleId);
    changed(hasHooks(moduleId));
  });
}

export function hasHooks(moduleId: number): boolean {
  return tables.pre.has(moduleId) || tables.post.has(moduleId);
}

export function preHooks(moduleId: number): ForwardPreHook[] {
  return [...(tables.pre.get(moduleId)?.values() ?? [])] as ForwardPreHook[];
}

export function postHooks(moduleId: number): ForwardHook[] {
  return [...(tables.post.get(moduleId)?.values() ?? [])] as ForwardHook[];
}
