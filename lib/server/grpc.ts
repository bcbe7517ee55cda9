// The Open Inference Protocol v2 over gRPC (@grpc/grpc-js): inference.GRPCInferenceService from proto/grpc_service.proto.
import * as path from 'path';
import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';
import { badRequest, grpcCode, ServeError } from './errors';
import { checkShape, InferRequest, InputTensor, Parameters, tensorBytes } from './codec';
import { infer } from './inference';
import { lookup, modelMetadata, ServerContext } from './context';
import { EXTENSIONS, SERVER_NAME } from './rest';

export const PROTO_FILE = path.join(__dirname, '..', '..', 'proto', 'grpc_service.proto');

/** The loaded service definition (also what a client needs: `new (loadProto().inference.GRPCInferenceService)(addr, creds)`). */
export function loadProto(): grpc.GrpcObject {
  const def = protoLoader.loadSync(PROTO_FILE, { keepCase: true, longs: Number, enums: String, defaults: true, oneofs: true });
  return grpc.loadPackageDefinition(def);
}

type GrpcParams = Record<string, { parameter_choice?: string } & Record<string, unknown>>;

function plainParams(p: GrpcParams | undefined): Parameters | undefined {
  if (!p || Object.keys(p).length === 0) return undefined;
  const out: Parameters = {};
  for (const [k, v] of Object.entries(p)) if (v?.parameter_choice) out[k] = v[v.parameter_choice];
  return out;
}

interface GrpcInput { name: string; datatype: string; shape: number[]; parameters?: GrpcParams; contents?: { fp32_contents?: number[] } }

/** A ModelInferRequest as the protocol-neutral request: data from raw_input_contents, or from contents.fp32_contents. */
function decodeGrpc(req: { id?: string; parameters?: GrpcParams; inputs?: GrpcInput[]; outputs?: { name: string; parameters?: GrpcParams }[];
  raw_input_contents?: Buffer[] }): InferRequest {
  const raw = req.raw_input_contents ?? [];
  const inputs = (req.inputs ?? []).map((t, i): InputTensor => {
    const where = `input '${t.name}'`;
    const count = checkShape(t.shape, where);
    if (t.datatype !== 'FP32') return { name: t.name, datatype: t.datatype, shape: t.shape, data: null };
    if (raw.length) {
      const b = raw[i];
      if (!b) throw badRequest(`${where}: raw_input_contents has no entry ${i}`);
      if (b.length !== count * 4) throw badRequest(`${where}: raw_input_contents[${i}] has ${b.length} bytes but FP32 shape [${t.shape.join(', ')}] takes ${count * 4}`);
      const data = (b.byteOffset % 4 === 0) ? new Float32Array(b.buffer, b.byteOffset, count) : new Float32Array(new Uint8Array(b).buffer);
      return { name: t.name, datatype: 'FP32', shape: t.shape, data };
    }
    const v = t.contents?.fp32_contents ?? [];
    if (v.length !== count) throw badRequest(`${where}: contents has ${v.length} FP32 values but shape [${t.shape.join(', ')}] holds ${count}`);
    return { name: t.name, datatype: 'FP32', shape: t.shape, data: Float32Array.from(v) };
  });
  if (!inputs.length) throw badRequest('the request has no inputs');
  if (raw.length && raw.length !== inputs.length) throw badRequest(`raw_input_contents has ${raw.length} entries for ${inputs.length} inputs`);
  const outputs = req.outputs?.length ? req.outputs.map((o) => ({ name: o.name, parameters: plainParams(o.parameters) })) : undefined;
  return { id: req.id || undefined, parameters: plainParams(req.parameters), inputs, outputs };
}

type Handler = (call: grpc.ServerUnaryCall<any, any>, cb: grpc.sendUnaryData<any>) => void; // eslint-disable-line @typescript-eslint/no-explicit-any

/** Wraps an async handler: a ServeError becomes its gRPC status, anything else INTERNAL; every call is counted. */
function unary(ctx: ServerContext, route: string, fn: (req: any) => Promise<object> | object): Handler { // eslint-disable-line @typescript-eslint/no-explicit-any
  return (call, cb) => {
    const start = performance.now();
    const asked = typeof call.request?.name === 'string' ? call.request.name : call.request?.model_name;
    const model = ctx.models.has(asked) ? asked : ''; // only served names become label values
    Promise.resolve().then(() => fn(call.request)).then((res) => {
      ctx.metrics.request(model, route, 200, performance.now() - start);
      cb(null, res);
    }, (e: Error) => {
      const status = e instanceof ServeError ? e.status : 500;
      ctx.metrics.request(model, route, status, performance.now() - start);
      if (status >= 500 && status !== 503 && status !== 504) ctx.log.error({ err: e, route }, 'grpc request failed');
      cb({ code: grpcCode(status), details: e.message });
    });
  };
}

export function grpcServer(ctx: ServerContext, version: string): grpc.Server {
  const server = new grpc.Server({
    'grpc.max_receive_message_length': ctx.options.bodyLimit, 'grpc.max_send_message_length': -1,
  });
  const svc = (loadProto().inference as grpc.GrpcObject).GRPCInferenceService as grpc.ServiceClientConstructor;
  server.addService(svc.service, {
    ServerLive: unary(ctx, 'grpc:ServerLive', () => ({ live: true })),
    ServerReady: unary(ctx, 'grpc:ServerReady', () => ({ ready: ctx.ready() })),
    ModelReady: unary(ctx, 'grpc:ModelReady', (r) => { lookup(ctx, r.name); return { ready: ctx.ready() }; }),
    ServerMetadata: unary(ctx, 'grpc:ServerMetadata', () => ({ name: SERVER_NAME, version, extensions: EXTENSIONS })),
    ModelMetadata: unary(ctx, 'grpc:ModelMetadata', (r) => modelMetadata(lookup(ctx, r.name).model)),
    ModelInfer: unary(ctx, 'grpc:ModelInfer', async (r) => {
      const { model, batcher } = lookup(ctx, r.model_name);
      const req = decodeGrpc(r);
      const { outputs } = await infer(model, batcher, req, { maxBatchSize: ctx.options.maxBatchSize, maxImageSize: ctx.options.maxImageSize, binaryDefault: true });
      return {
        model_name: model.name, model_version: '1', id: req.id ?? '',
        outputs: outputs.map((o) => ({ name: o.name, datatype: o.datatype, shape: o.shape })),
        raw_output_contents: outputs.map(tensorBytes),
      };
    }),
  });
  return server;
}
