// server.createServer(options): the inference server (OIP v2 over HTTP and gRPC, dynamic batching, metrics, graceful close); its dependencies load on first use.
/**
 * The inference server: the Open Inference Protocol v2 over REST and gRPC, a dynamic batcher per model,
 * Prometheus metrics, graceful shutdown. torchvgg's own (Triton and KServe clients work against it).
 * @module
 */
import type * as grpc from '@grpc/grpc-js';
import type { ServerOptions } from './options';
import type { InferenceServer } from './app';

export { exitOnSignals } from './shutdown';
export { ServeError } from './errors';
export { Batcher } from './batcher';
export type { BatcherOptions, BatchResult, BatchObserver } from './batcher';
export type { ServerOptions, ModelSpec } from './options';
export type { InferenceServer, ServerStats } from './app';

/**
 * Builds the server (models loaded, nothing listening yet); `await server.listen()` starts it.
 * torchvgg's own (PyTorch has no server; TorchServe and Triton are the analogues).
 * @throws TypeError or RangeError for invalid options (naming the option); Error naming the file when a model's
 * weights or classes cannot be loaded.
 * @example
 * ```ts
 * const srv = server.createServer({ models: [{ weights: 'IMAGENET1K_V1', arch: 'vgg16' }], port: 8080 });
 * const { url } = await srv.listen();
 * server.exitOnSignals(srv, srv.log);
 * ```
 */
export function createServer(options: ServerOptions): InferenceServer {
  return (require('./app') as typeof import('./app')).createServer(options);
}

/**
 * The OIP v2 gRPC definitions (proto/grpc_service.proto), e.g. for a client: `new (loadProto().inference.GRPCInferenceService)(addr, creds)`.
 * torchvgg's own: the gRPC service definitions the server implements (KServe's grpc_service.proto).
 * @throws Error when @grpc/proto-loader cannot read the bundled proto files.
 */
export function loadProto(): grpc.GrpcObject & { inference: grpc.GrpcObject & { GRPCInferenceService: grpc.ServiceClientConstructor } } {
  return (require('./grpc') as typeof import('./grpc')).loadProto() as ReturnType<typeof loadProto>;
}
