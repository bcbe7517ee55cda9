// The base of the native layer classes: creation through the C++ layer registry, and typed access to
// what a layer reports (its constructor arguments, its own parameters and buffers).
import { native } from '../../native';
import { Tensor } from '../../torch/tensor';
import { Module } from '../module';

export abstract class Layer extends Module {
  /** @internal creates native layer `type`; options left undefined take the C++ layer's defaults */
  protected static create(type: string, options: Record<string, unknown> = {}): ReturnType<typeof native.createModule> {
    return native.createModule(type, options);
  }
  /** @internal one constructor argument, as the layer reports it */
  protected config<T>(key: string): T { return this._native.config()[key] as T; }
  /** @internal an own parameter by name, or null (bias=False) */
  protected param(name: string): Tensor | null {
    const hit = this._native.ownParameters().find(([n]) => n === name);
    return hit ? new Tensor(hit[1]) : null;
  }
  /** @internal an own buffer by name, or null */
  protected buffer(name: string): Tensor | null {
    const hit = this._native.ownBuffers().find(([n]) => n === name);
    return hit ? new Tensor(hit[1]) : null;
  }
}
