// The Open Inference Protocol v2 over HTTP (Fastify): server and model health, metadata, and infer with JSON or binary tensors.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { badRequest } from './errors';
import { decodeRequest, encodeResponse } from './codec';
import { infer } from './inference';
import { lookup, modelMetadata, ServerContext } from './context';

export const SERVER_NAME = 'torchvgg';
export const EXTENSIONS = ['binary_tensor_data', 'classification'];

type ModelRequest = FastifyRequest<{ Params: { name: string; version?: string } }>;

function headerLength(req: FastifyRequest): number | undefined {
  const h = req.headers['inference-header-content-length'];
  if (h === undefined) return undefined;
  if (typeof h !== 'string' || !/^\d{1,15}$/.test(h)) throw badRequest(`Inference-Header-Content-Length must be a byte count; got ${JSON.stringify(h)}`);
  return Number(h);
}

export function restRoutes(app: FastifyInstance, ctx: ServerContext, version: string): void {
  app.get('/v2', async () => ({ name: SERVER_NAME, version, extensions: EXTENSIONS }));
  app.get('/v2/health/live', async () => ({ live: true }));
  app.get('/v2/health/ready', async (_req, reply) => reply.code(ctx.ready() ? 200 : 503).send({ ready: ctx.ready() }));

  for (const prefix of ['/v2/models/:name', '/v2/models/:name/versions/:version']) {
    app.get(prefix, async (req: ModelRequest) => modelMetadata(lookup(ctx, req.params.name).model));
    app.get(`${prefix}/ready`, async (req: ModelRequest, reply) => {
      lookup(ctx, req.params.name);
      return reply.code(ctx.ready() ? 200 : 503).send({ name: req.params.name, ready: ctx.ready() });
    });
    app.post(`${prefix}/infer`, async (req: ModelRequest, reply) => {
      const { model, batcher } = lookup(ctx, req.params.name);
      const r = decodeRequest(req.body as Buffer, headerLength(req));
      const { outputs } = await infer(model, batcher, r, { maxBatchSize: ctx.options.maxBatchSize, maxImageSize: ctx.options.maxImageSize, binaryDefault: false });
      const { body, headerLength: hl } = encodeResponse({ model_name: model.name, model_version: '1', id: r.id, parameters: r.parameters }, outputs);
      if (hl === undefined) return reply.type('application/json').send(body);
      return reply.header('Inference-Header-Content-Length', hl).type('application/octet-stream').send(body);
    });
  }
}
