// Python dicts may have int keys (an optimizer's state: {0: {...}, 1: {...}}); JS object keys are
// strings. Objects in this set had (or should get) int keys in the pickle, so a state dict that goes
// Node -> Python -> Node keeps {0: ...} rather than becoming {'0': ...}, which PyTorch would not match.
export const intKeyed = new WeakSet<object>();

/** Marks `obj` so torch.save writes its integer-like keys as Python ints. Returns obj. */
export function withIntKeys<T extends object>(obj: T): T {
  intKeyed.add(obj);
  return obj;
}
