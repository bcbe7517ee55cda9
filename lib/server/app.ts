// Assembles the server: models, batchers, metrics, the Fastify routes and the gRPC service, with listen() and a graceful close().
import * as fs from 'fs';
import * as path from 'path';
import Fastify, { FastifyBaseLogger, FastifyError } from 'fastify';
import pino, { Logger } from 'pino';
import type * as grpc from '@grpc/grpc-js';
import type { Registry } from 'prom-client';
import { resolveOptions, ServerOptions } from './options';
import { loadModels } from './repository';
import { Batcher } from './batcher';
import { Metrics } from './metrics';
import { ServeError } from './errors';
import type { ServerContext } from './context';
import { restRoutes } from './rest';
import { classifyRoute } from './classify';
import { grpcServer } from './grpc';
import { Preprocessor } from './preprocess';


/** Counters of an {@link InferenceServer}, per model and in total (also exported as Prometheus metrics). */
export interface ServerStats {
  /** Requests that reached a batcher, batches run (= forward calls), rows computed, per model and in total. */
  requests: number;
  batches: number;
  rows: number;
  failedBatches: number;
  timedOut: number;
  rejected: number;
  queueDepth: number;
}

/**
 * A running (or ready-to-run) inference server: the Open Inference Protocol v2 over HTTP and gRPC, with a dynamic
 * batcher per model. torchvgg's own; mirrors what Triton and KServe serve, so their clients work.
 */
export interface InferenceServer {
  /**
   * Starts HTTP (and gRPC when grpcPort is set); resolves with the bound ports.
   * @throws Rejects with Error from Node when a port is taken or the address cannot be bound.
   */
  listen(): Promise<{ url: string; port: number; grpcPort: number | null }>;
  /**
   * Readiness off at once, listeners closed, every accepted request answered; resolves when all is done.
   * Graceful shutdown: readiness off at once, listeners closed, every accepted request answered; resolves when done.
   */
  close(): Promise<void>;
  /** Whether /v2/health/ready says ready (false once close() began). */
  readonly ready: boolean;
  /** Request, batch and row counters (see {@link ServerStats}). */
  readonly stats: ServerStats & { models: Record<string, ServerStats> };
  /** The names clients use in /v2/models/{name}. */
  readonly models: string[];
  /** The Prometheus registry behind /metrics. */
  readonly registry: Registry;
  /** The pino logger (JSON lines on stdout). */
  readonly log: Logger;
}

function packageVersion(): string {
  try {
    return JSON.parse(fs.readFileSync(path.join(__dirname, '..', '..', 'package.json'), 'utf8')).version;
  } catch {
    return '0.0.0';
  }
}

/**
 * @throws TypeError or RangeError for invalid options (naming the option); Error naming the file when a model's
 * weights or classes cannot be loaded.
 */
export function createServer(options: ServerOptions): InferenceServer {
  const o = resolveOptions(options);
  // Fastify gets a child logger at warn: its own request lines would double ours (one per request, at debug).
  const log = pino({ level: o.logLevel, base: { name: 'torchvgg-serve' } });
  const models = loadModels(o);
  const batchers = new Map<string, Batcher>();
  const metrics = new Metrics(() => new Map([...batchers].map(([n, b]) => [n, b.depth])));
  for (const [name, m] of models) {
    // forwardAsync moves a CPU batch to a CUDA model's device itself (pinned, off the main thread); only the dtype is converted here.
    const run = (x: Parameters<typeof m.module.forwardAsync>[0]) => m.module.forwardAsync(o.dtype !== 'float32' ? x.to(o.dtype) : x);
    batchers.set(name, new Batcher(run, o, metrics.observer(name)));
  }
  let ready = false;
  let closing: Promise<void> | null = null;
  const preprocessor = new Preprocessor(o.preprocessWorkers);
  const ctx: ServerContext = { options: o, models, batchers, metrics, log, preprocessor, ready: () => ready };
  const version = packageVersion();

  // The cast makes Fastify's logger type FastifyBaseLogger instead of pino's Logger, which the route
  // modules' FastifyInstance parameters expect.
  // eslint-disable-next-line @typescript-eslint/no-unnecessary-type-assertion
  const app = Fastify({ loggerInstance: log.child({}, { level: log.levelVal >= 40 ? log.level : 'warn' }) as FastifyBaseLogger, bodyLimit: o.bodyLimit, return503OnClosing: true, forceCloseConnections: 'idle' });
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'buffer' }, (_req, body, done) => done(null, body));
  app.setErrorHandler((err: FastifyError | ServeError, req, reply) => {
    let status = err instanceof ServeError ? err.status : (err.statusCode ?? 500);
    let message = err.message;
    if ((err as FastifyError).code === 'FST_ERR_CTP_BODY_TOO_LARGE') message = `the request body is larger than the limit of ${o.bodyLimit} bytes`;
    if (!(status >= 400 && status < 600)) status = 500;
    if (status === 500 && !(err instanceof ServeError)) log.error({ err, url: req.url }, 'request failed');
    if (err instanceof ServeError && err.retryAfter) reply.header('Retry-After', String(err.retryAfter));
    return reply.code(status).send({ error: message });
  });
  app.setNotFoundHandler((req, reply) => reply.code(404).send({ error: `no route ${req.method} ${req.url.split('?')[0].slice(0, 200)}` }));
  // Callback hooks rather than async ones: each async hook costs every request a promise and a microtask turn, and
  // the server's main thread is what a full batch waits on (it reads all the requests of the next batch).
  const debug = log.isLevelEnabled('debug');
  app.addHook('onResponse', (req, reply, done) => {
    const name = (req.params as { name?: string } | undefined)?.name;
    const model = name && models.has(name) ? name : '';
    const route = req.routeOptions?.url ?? 'unmatched';
    metrics.request(model, route, reply.statusCode, reply.elapsedTime);
    if (debug) log.debug({ reqId: req.id, method: req.method, route, model, status: reply.statusCode, ms: Math.round(reply.elapsedTime * 100) / 100 }, 'request');
    done();
  });
  // While draining, every answer closes its connection, so that keep-alive clients do not hold the close up.
  app.addHook('onSend', (_req, reply, payload, done) => {
    if (closing) reply.header('Connection', 'close');
    done(null, payload);
  });
  restRoutes(app, ctx, version);
  classifyRoute(app, ctx);
  app.get('/metrics', async (_req, reply) => reply.type(metrics.registry.contentType).send(await metrics.registry.metrics()));

  let grpcSrv: grpc.Server | null = null;
  const sum = (k: keyof Batcher['stats']): number => [...batchers.values()].reduce((a, b) => a + b.stats[k], 0);

  return {
    async listen() {
      if (closing) throw new Error('the server is closed');
      await app.listen({ port: o.port, host: o.host });
      const port = (app.server.address() as { port: number }).port;
      let grpcPort: number | null = null;
      if (o.grpcPort !== null) {
        const { ServerCredentials } = await import('@grpc/grpc-js');
        grpcSrv = grpcServer(ctx, version);
        grpcPort = await new Promise<number>((resolve, reject) => grpcSrv!.bindAsync(`${o.host.includes(':') ? `[${o.host}]` : o.host}:${o.grpcPort}`,
          ServerCredentials.createInsecure(), (e, p) => (e ? reject(e) : resolve(p))));
      }
      ready = true;
      const url = `http://${o.host.includes(':') ? `[${o.host}]` : o.host}:${port}`;
      log.info({ url, grpcPort, models: [...models.keys()], maxBatchSize: o.maxBatchSize, maxQueueDelayMs: o.maxQueueDelayMs }, `listening on ${url}`);
      return { url, port, grpcPort };
    },
    close() {
      if (closing) return closing;
      ready = false;
      closing = (async () => {
        for (const b of batchers.values()) b.drain();
        const grpcDone = grpcSrv ? new Promise<void>((resolve) => grpcSrv!.tryShutdown(() => resolve())) : Promise.resolve();
        await app.close();
        await grpcDone;
        await Promise.all([...batchers.values()].map((b) => b.whenIdle()));
        await preprocessor.close();
      })();
      return closing;
    },
    get ready() { return ready; },
    get models() { return [...models.keys()]; },
    get registry() { return metrics.registry; },
    log,
    get stats() {
      const per = (b: Batcher): ServerStats => ({ ...b.stats, queueDepth: b.depth });
      return {
        requests: sum('requests'), batches: sum('batches'), rows: sum('rows'), failedBatches: sum('failedBatches'),
        timedOut: sum('timedOut'), rejected: sum('rejected'), queueDepth: [...batchers.values()].reduce((a, b) => a + b.depth, 0),
        models: Object.fromEntries([...batchers].map(([n, b]) => [n, per(b)])),
      };
    },
  };
}
