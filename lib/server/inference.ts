// One inference, whatever the protocol: checks the request against the model, queues it on the batcher, builds the outputs asked for.
import { Tensor } from '../torch/tensor';
import { badRequest } from './errors';
import type { Batcher } from './batcher';
import type { InferRequest, OutputTensor, Parameters } from './codec';
import { INPUT_NAME, OUTPUT_NAME, ServedModel } from './repository';

/** Checks the one input against the model's [N, C, H, W] and returns its numbers (a view of the request's bytes) and shape. */
export function inputFloats(model: ServedModel, req: InferRequest, maxBatchSize: number, maxImageSize: number): { data: Float32Array; shape: number[] } {
  if (req.inputs.length !== 1) throw badRequest(`model '${model.name}' takes 1 input ('${INPUT_NAME}'); got ${req.inputs.length}`);
  const t = req.inputs[0];
  if (t.name !== INPUT_NAME) throw badRequest(`model '${model.name}' has no input '${t.name}'; its input is '${INPUT_NAME}'`);
  if (t.datatype !== 'FP32' || !t.data) throw badRequest(`input '${t.name}': datatype must be FP32; got ${t.datatype}`);
  const [c, h, w] = model.inputShape;
  const want = `[N, ${c === -1 ? 'C' : c}, ${h === -1 ? 'H' : h}, ${w === -1 ? 'W' : w}]`;
  const s = t.shape;
  if (s.length !== 4) throw badRequest(`input '${t.name}': shape must be ${want}; got [${s.join(', ')}]`);
  if (s[0] < 1 || s[0] > maxBatchSize) throw badRequest(`input '${t.name}': batch size must be in [1, ${maxBatchSize}]; got ${s[0]}`);
  model.inputShape.forEach((d, i) => {
    if (d !== -1 && s[i + 1] !== d) throw badRequest(`input '${t.name}': shape must be ${want}; got [${s.join(', ')}]`);
  });
  if (s[1] < 1 || s[2] < model.minSize || s[3] < model.minSize || s[2] > maxImageSize || s[3] > maxImageSize) {
    throw badRequest(`input '${t.name}': height and width must be in [${model.minSize}, ${maxImageSize}]; got [${s.join(', ')}]`);
  }
  return { data: t.data, shape: s };
}

function classificationK(p: Parameters | undefined, name: string): number | null {
  const k = p?.classification;
  if (k === undefined || k === null) return null;
  if (!Number.isSafeInteger(k) || (k as number) < 1) throw badRequest(`output '${name}': classification must be a positive integer; got ${JSON.stringify(k)}`);
  return k as number;
}

/** Triton's classification strings "score:index:label" (":label" only when the model has class names), best first. */
export function classify(logits: Tensor, k: number, classes: readonly string[] | null): { data: string[]; shape: number[] } {
  const [n, numClasses] = logits.shape;
  const kk = Math.min(k, numClasses);
  const [values, indices] = logits.topk(kk, 1);
  const v = values.toTypedArray() as Float32Array;
  const idx = indices.toTypedArray() as BigInt64Array;
  values.dispose();
  indices.dispose();
  const data: string[] = [];
  for (let i = 0; i < n * kk; i++) {
    const c = Number(idx[i]);
    data.push(`${v[i].toFixed(6)}:${c}${classes ? `:${classes[c] ?? ''}` : ''}`);
  }
  return { data, shape: [n, kk] };
}

/** Runs the request and returns its outputs: logits (FP32 [N, K]) or, with the classification parameter, BYTES [N, k]. */
export async function infer(model: ServedModel, batcher: Batcher, req: InferRequest, o: { maxBatchSize: number; maxImageSize: number; binaryDefault: boolean }):
  Promise<{ outputs: OutputTensor[] }> {
  const input = inputFloats(model, req, o.maxBatchSize, o.maxImageSize);
  const asked = req.outputs ?? [{ name: OUTPUT_NAME }];
  for (const out of asked) if (out.name !== OUTPUT_NAME) throw badRequest(`model '${model.name}' has no output '${out.name}'; its output is '${OUTPUT_NAME}'`);
  const ks = asked.map((a) => classificationK(a.parameters, a.name));
  const binaryDefault = req.parameters?.binary_data_output === true || o.binaryDefault;
  // No tensor is made per request, in or out (the main thread's time per request is what a full batch waits on):
  // the numbers go to the batcher as they are, and the logits come back as a view of the batch's output.
  const result = await batcher.submitFloats(input.data, input.shape);
  // Logits go out as a view of the batch's one copy; a tensor of the request's rows is made only for top-k.
  let logits = null as Tensor | null; // (a cast: TypeScript does not see the assignment in the callback)
  const outputs = asked.map((a, i): OutputTensor => {
    const bin = a.parameters?.binary_data;
    const binary = bin === undefined ? binaryDefault : bin === true;
    const k = ks[i];
    if (k !== null) return { name: a.name, datatype: 'BYTES', binary, ...classify((logits ??= result.output), k, model.classes) };
    return { name: a.name, datatype: 'FP32', shape: result.shape, binary, data: result.data() };
  });
  logits?.dispose();
  return { outputs };
}
