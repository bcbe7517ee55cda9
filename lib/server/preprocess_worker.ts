// A preprocessing worker thread of the classify route: decodes an image and runs the model's transform off the event loop, returning the CHW floats.
import { parentPort } from 'worker_threads';
import { fromJSON, readImage, Transform, TransformSpec } from '../transforms/transforms';
import { Tensor } from '../torch/tensor';

const transforms = new Map<string, Transform<unknown, unknown>>();

interface PreprocessRequest { id: number; bytes: Uint8Array; spec: TransformSpec }

async function preprocess({ id, bytes, spec }: PreprocessRequest): Promise<void> {
  try {
    let image;
    try {
      image = await readImage(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength), { mode: 'RGB' });
    } catch (e) {
      parentPort!.postMessage({ id, error: (e as Error).message, badInput: true });
      return;
    }
    const key = JSON.stringify(spec);
    if (!transforms.has(key)) transforms.set(key, fromJSON(spec));
    const x = await transforms.get(key)!(image);
    if (!(x instanceof Tensor) || x.dim() !== 3) throw new Error('the transform did not give a [C, H, W] tensor');
    const data = x.contiguous().toTypedArray() as Float32Array;
    parentPort!.postMessage({ id, data, shape: x.shape }, [data.buffer as ArrayBuffer]);
  } catch (e) {
    parentPort!.postMessage({ id, error: (e as Error)?.message ?? String(e) });
  }
}

// preprocess() catches every error and posts it back with the request's id, so its promise never
// rejects: nothing waits on it here, and requests run concurrently as before.
parentPort!.on('message', (request: PreprocessRequest) => { void preprocess(request); });
