// optim.trainStep: one whole training step (zero-grad, forward, cross-entropy, backward, step) on the executor thread.
import { native } from '../native';
import { Tensor, unwrap } from '../torch/tensor';
import * as check from '../check';
import { describe } from '../check';
import { Module, unwrapModule } from '../nn/module';
import { Optimizer } from './optimizer';

/** What {@link trainStep} needs: the model, its optimizer, a batch and its int64 labels. */
export interface TrainStepOptions {
  model: Module;
  optimizer: Optimizer;
  input: Tensor;
  target: Tensor;
  /** CrossEntropyLoss options */
  weight?: Tensor | null;
  labelSmoothing?: number;
}

/**
 * [async] One training step on the executor thread: zeroGrad, forward, cross-entropy, backward, step.
 * Resolves with the batch loss and the number of correct predictions; the event loop stays free.
 * torchvgg's own: Python writes these five lines in the training loop.
 * @throws Rejects with TypeError for unknown options, a non-Optimizer, a non-Module or a non-int64 target;
 * RangeError for labelSmoothing outside [0, 1]; Error with PyTorch's message when the batch does not fit the model,
 * or with code `ERR_TORCHVGG_MODULE_BUSY` when another job changes the model.
 * @example
 * ```ts
 * for await (const [images, labels] of loader) {
 *   const { loss, correct } = await optim.trainStep({ model, optimizer, input: images, target: labels });
 * }
 * ```
 */
export async function trainStep(o: TrainStepOptions): Promise<{ loss: number; correct: number }> {
  if (o === undefined) throw new TypeError('trainStep takes { model, optimizer, input, target }');
  check.options(o, 'trainStep options', ['model', 'optimizer', 'input', 'target', 'weight', 'labelSmoothing']);
  if (!(o.optimizer instanceof Optimizer)) throw new TypeError(`optimizer must be an optim.Optimizer; got ${describe(o.optimizer)}`);
  const target = unwrap(o.target, 'target');
  if (o.target.dtype !== 'int64') throw new TypeError(`target must hold int64 class indices; got ${o.target.dtype}`);
  const smoothing = check.number(o.labelSmoothing ?? 0, 'labelSmoothing', { min: 0, max: 1 });
  const [loss, correct] = await native.trainStep(unwrapModule(o.model, 'model'), o.optimizer._native,
    unwrap(o.input, 'input'), target, o.weight == null ? null : unwrap(o.weight, 'weight'), smoothing);
  return { loss, correct };
}
