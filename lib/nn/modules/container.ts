// nn.Sequential with Python's container behaviour: seq[i] reads, seq[i] = m replaces, delete seq[i]
// removes (renumbering like PyTorch), negative indices count from the end.
import { native } from '../../native';
import * as check from '../../check';
import { Module, moduleView, registerModuleClass, unwrapModule } from '../module';

const INDEX = /^-?\d+$/;

// A key JS turned from a number that is not an index (seq[1.5], seq[NaN], seq[1e21]) or a numeric
// string with spaces ('1 '): Python's seq[1.5] is a TypeError, and so is ours, never a JS property.
function badIndex(prop: string | symbol): prop is string {
  return typeof prop === 'string' && !INDEX.test(prop) && prop.trim() !== '' && (!Number.isNaN(Number(prop)) || prop === 'NaN');
}
function refuseIndex(prop: string): never {
  throw new TypeError(`Sequential index must be an integer; got ${JSON.stringify(prop)}`);
}

/**
 * A container running its modules in order. Mirrors `torch.nn.Sequential`.
 *
 * Index it like Python: `seq[i]` reads, `seq[i] = m` replaces, `delete seq[i]` removes (keys renumber as in
 * PyTorch), negative indices count from the end.
 * @throws TypeError when an argument is not a Module or an index is not an integer; RangeError for an index out
 * of range; Error with code `ERR_TORCHVGG_MODULE_BUSY` when changed while an async job uses it.
 * @example
 * ```ts
 * const head = new nn.Sequential(new nn.Linear(4096, 256), new nn.ReLU(), new nn.Linear(256, 10));
 * head[2] = new nn.Linear(256, 5);     // Python's head[2] = nn.Linear(256, 5)
 * console.log(head.length, String(head.at(-1)));
 * ```
 */
export class Sequential extends Module {
  [index: number]: Module;

  constructor(...modules: Module[]) {
    super(native.createModule('Sequential', {}));
    modules.forEach((m, i) => this._native.setChild(String(i), unwrapModule(m, `Sequential argument ${i}`)));
  }

  protected _view(): this {
    return new Proxy(this, {
      get(target, prop, receiver) {
        if (typeof prop === 'string' && INDEX.test(prop)) return target.at(Number(prop));
        if (badIndex(prop)) refuseIndex(prop);
        return Reflect.get(target, prop, receiver);
      },
      set(target, prop, value, receiver) {
        if (typeof prop === 'string' && INDEX.test(prop)) {
          target.set(Number(prop), value);
          return true;
        }
        if (badIndex(prop)) refuseIndex(prop);
        // A module assigned to any other new key would be a JS property the model never runs.
        if (value instanceof Module && !(prop in target)) {
          throw new TypeError(`cannot assign a module to Sequential key ${typeof prop === 'symbol' ? prop.toString() : JSON.stringify(prop)}: `
            + 'its modules are set by integer index (seq[i] = m), append(), insert() or addModule(name, m)');
        }
        return Reflect.set(target, prop, value, receiver);
      },
      deleteProperty(target, prop) {
        if (typeof prop === 'string' && INDEX.test(prop)) {
          target.remove(Number(prop));
          return true;
        }
        if (badIndex(prop)) refuseIndex(prop);
        return Reflect.deleteProperty(target, prop);
      },
      has(target, prop) {
        if (typeof prop === 'string' && INDEX.test(prop)) return Number(prop) >= 0 && Number(prop) < target.length;
        return Reflect.has(target, prop);
      },
    });
  }

  /** The number of modules. Mirrors `len(seq)`. */
  get length(): number { return this._native.namedChildren().length; }

  /**
   * seq.at(-1): the module at a position (negative counts from the end).
   * Mirrors Python's `seq[index]`.
   * @throws TypeError when `index` is not an integer; RangeError when it is out of range.
   */
  at(index: number): Module {
    const children = this._native.namedChildren();
    return moduleView(children[this.position(index, children.length)][1]);
  }

  /**
   * seq[i] = module: replaces the module at position i, keeping its key.
   * Mirrors Python's `seq[index] = module`.
   * @throws TypeError for a non-integer index or a non-Module; RangeError for an index out of range.
   */
  set(index: number, module: Module): this {
    const handle = unwrapModule(module, `Sequential[${index}]`);
    this._native.replaceChildAt(this.position(index, this.length), handle);
    return this;
  }

  /**
   * delete seq[i]: removes position i; keys become 0..n-1 again, as in PyTorch.
   * Mirrors Python's `del seq[index]`.
   * @throws TypeError for a non-integer index; RangeError for an index out of range.
   */
  remove(index: number): this {
    this._native.eraseChildAt(this.position(index, this.length));
    return this;
  }

  /**
   * Adds a module at the end. Mirrors `torch.nn.Sequential.append`.
   * @throws TypeError when `module` is not a Module.
   */
  append(module: Module): this {
    this._native.setChild(String(this.length), unwrapModule(module, 'append() argument'));
    return this;
  }

  /**
   * Appends each module in turn. Mirrors `torch.nn.Sequential.extend`.
   * @throws TypeError when an element is not a Module.
   */
  extend(modules: Iterable<Module>): this {
    for (const m of modules) this.append(m);
    return this;
  }

  /**
   * Inserts a module before position `index`. Mirrors `torch.nn.Sequential.insert`.
   * @throws TypeError for a non-integer index or a non-Module; RangeError for an index outside [-length, length].
   */
  insert(index: number, module: Module): this {
    const n = this.length;
    check.int(index, 'insert() index', { min: -n, max: n });
    this._native.insertChildAt(index < 0 ? index + n : index, unwrapModule(module, 'insert() argument'));
    return this;
  }

  /**
   * Removes and returns the module at `index` (the last by default). Mirrors `torch.nn.Sequential.pop`.
   * @throws TypeError for a non-integer index; RangeError for an index out of range.
   */
  pop(index = -1): Module {
    const m = this.at(index);
    this.remove(index);
    return m;
  }

  /**
   * seq.slice(a, b) is Python's seq[a:b]: a new Sequential sharing the modules, keys kept.
   * Mirrors `torch.nn.Sequential.__getitem__` with a slice.
   */
  slice(start?: number, end?: number): Sequential {
    const out = new Sequential();
    for (const [key, child] of this._native.namedChildren().slice(start, end)) out._native.setChild(key, child);
    return out;
  }

  /** Iterates over the modules in order: `for (const m of seq)`. Mirrors `iter(seq)`. */
  *[Symbol.iterator](): IterableIterator<Module> {
    for (const [, h] of this._native.namedChildren()) yield moduleView(h);
  }

  private position(index: number, length: number): number {
    check.int(index, 'Sequential index');
    if (index < -length || index >= length) throw new RangeError(`index ${index} is out of range`);
    return index < 0 ? index + length : index;
  }
}

registerModuleClass('Sequential', Sequential);
