// POST /v2/models/{name}/classify: a raw JPEG/PNG/WebP body (or a multipart form with one), decoded off the main thread and preprocessed as the model's weights prescribe, answered with top-k probabilities.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import sharp from 'sharp';
import type { Tensor } from '../torch/tensor';
import { badRequest } from './errors';
import { lookup, ServerContext } from './context';
import type { ServedModel } from './repository';
import type { Preprocessor } from './preprocess';

/** Larger images are refused before decoding (a decompression bomb is a 400, not an out-of-memory). */
export const MAX_PIXELS = 40_000_000;

type ClassifyRequest = FastifyRequest<{ Params: { name: string }; Querystring: { topk?: string } }>;

/** Decodes and preprocesses one image into [1, C, H, W]; every problem with the bytes is a 400 naming it. */
export async function imageTensor(model: ServedModel, body: unknown, pre: Preprocessor): Promise<Tensor> {
  if (!model.transform) throw badRequest(`model '${model.name}' has no image preset; send tensors to /v2/models/${model.name}/infer`);
  if (!Buffer.isBuffer(body) || body.length === 0) throw badRequest('the body must be the bytes of a JPEG, PNG or WebP image');
  let meta: sharp.Metadata;
  try {
    meta = await sharp(body).metadata();
  } catch (e) {
    throw badRequest(`the body is not a JPEG, PNG or WebP image: ${(e as Error).message}`);
  }
  const pixels = (meta.width ?? 0) * (meta.height ?? 0) * (meta.pages ?? 1);
  if (!['jpeg', 'png', 'webp'].includes(meta.format ?? '')) throw badRequest(`the image must be JPEG, PNG or WebP; got ${meta.format}`);
  if (pixels > MAX_PIXELS) throw badRequest(`the image has ${meta.width}x${meta.height} pixels, more than the ${MAX_PIXELS} accepted`);
  const x = await pre.run(body, model.transform);
  return x.unsqueeze(0);
}

/** The first file of a multipart/form-data body (the image field of an HTML form), or null. */
export function multipartFile(body: Buffer, contentType: string | undefined): Buffer | null {
  const m = /^multipart\/form-data\s*;.*boundary=(?:"([^"]{1,70})"|([^\s;]{1,70}))/i.exec(contentType ?? '');
  if (!m) return null;
  const delimiter = Buffer.from(`--${m[1] ?? m[2]}`);
  for (let at = body.indexOf(delimiter); at >= 0;) {
    const next = body.indexOf(Buffer.concat([Buffer.from('\r\n'), delimiter]), at + delimiter.length);
    const headerEnd = body.indexOf('\r\n\r\n', at);
    if (next < 0 || headerEnd < 0 || headerEnd > next) break;
    const headers = body.toString('latin1', at, headerEnd);
    if (/filename=/i.test(headers) || /content-type:\s*image\//i.test(headers)) return body.subarray(headerEnd + 4, next);
    at = next + 2;
  }
  throw badRequest('the multipart body has no file part (expected an image field with a filename)');
}

export function classifyRoute(app: FastifyInstance, ctx: ServerContext): void {
  for (const prefix of ['/v2/models/:name', '/v2/models/:name/versions/:version']) {
    app.post(`${prefix}/classify`, async (req: ClassifyRequest) => {
      const { model, batcher } = lookup(ctx, req.params.name);
      const q = req.query.topk;
      const topk = q === undefined ? ctx.options.topk : Number(q);
      if (!Number.isSafeInteger(topk) || topk < 1) throw badRequest(`topk must be a positive integer; got ${JSON.stringify(q)}`);
      const body = Buffer.isBuffer(req.body) ? (multipartFile(req.body, req.headers['content-type']) ?? req.body) : req.body;
      const { output } = await batcher.submit(await imageTensor(model, body, ctx.preprocessor));
      const probs = output.softmax(1);
      const [values, indices] = probs.topk(Math.min(topk, probs.shape[1]), 1);
      const p = values.toTypedArray() as Float32Array;
      const idx = indices.toTypedArray() as BigInt64Array;
      for (const t of [output, probs, values, indices]) t.dispose(); // now, not at a collection between batches
      const predictions = Array.from(p, (probability, j) => {
        const index = Number(idx[j]);
        return { index, label: model.classes?.[index] ?? String(index), probability };
      });
      return { model_name: model.name, predictions };
    });
  }
}
