// `npx torchvgg serve ...`: parses the serve flags into server options, starts the server and drains it on SIGTERM/SIGINT.
import { closest } from '../check';
import { createServer, exitOnSignals, ServerOptions, ModelSpec } from '../server';

export const SERVE_USAGE = `usage:
  torchvgg serve --weights <model.pth | IMAGENET1K_V1> [--arch vgg16] [--classes classes.json] [--name <model name>]
                 [--model name=<file> ...] [--port 8080] [--grpc-port 8081] [--host 127.0.0.1] [--device cpu|cuda]
                 [--dtype float32|bfloat16] [--instances 1] [--max-batch-size 32] [--max-queue-delay-ms 5] [--max-queue 256]
                 [--preferred-batch-sizes 8,16] [--timeout-ms 30000] [--body-limit <bytes>] [--max-image-size 1024]
                 [--preprocess-workers 1] [--topk 5] [--log-level info|debug|silent]

A checkpoint written by \`torchvgg finetune\` serves with no other flag (its arch, classes and image size are in it).
A plain state dict takes --arch (default vgg16) and --classes (a JSON array of names; ImageNet's for 1000 classes).`;

const VALUE_FLAGS = ['weights', 'arch', 'classes', 'name', 'model', 'port', 'grpc-port', 'host', 'device', 'dtype', 'max-batch-size',
  'max-queue-delay-ms', 'max-queue', 'timeout-ms', 'body-limit', 'topk', 'log-level', 'max-image-size', 'preprocess-workers', 'instances',
  'preferred-batch-sizes'];

function numberFlag(key: string, v: string, integer = true): number {
  const n = Number(v);
  if (v.trim() === '' || !Number.isFinite(n) || (integer && !Number.isInteger(n))) throw new Error(`--${key} must be ${integer ? 'an integer' : 'a number'}; got ${v}`);
  return n;
}

/** The server options the serve flags describe (--model may repeat). */
export function parseServeArgs(argv: string[]): ServerOptions {
  const flags: Record<string, string> = {};
  const named: ModelSpec[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (!a.startsWith('--')) throw new Error(`serve takes only flags; got '${a}' (see torchvgg serve --help)`);
    const eq = a.indexOf('=');
    const key = eq < 0 ? a.slice(2) : a.slice(2, eq);
    if (!VALUE_FLAGS.includes(key)) {
      const hint = closest(key, VALUE_FLAGS);
      throw new Error(`serve has no flag --${key}${hint ? `; did you mean --${hint}?` : ''}`);
    }
    const value = eq < 0 ? argv[++i] : a.slice(eq + 1);
    if (value === undefined || (eq < 0 && value.startsWith('--'))) throw new Error(`--${key} needs a value`);
    if (key === 'model') {
      const j = value.indexOf('=');
      if (j < 1 || j === value.length - 1) throw new Error(`--model takes name=path; got ${value}`);
      named.push({ name: value.slice(0, j), weights: value.slice(j + 1) });
    } else {
      flags[key] = value;
    }
  }
  const shared = { ...(flags.arch ? { arch: flags.arch } : {}), ...(flags.classes ? { classes: flags.classes } : {}) };
  const models: ModelSpec[] = named.map((m) => ({ ...m, ...shared }));
  if (flags.weights) models.unshift({ weights: flags.weights, ...shared, ...(flags.name ? { name: flags.name } : {}) });
  if (!models.length) throw new Error('give --weights <model.pth> or --model name=<file>');
  const o: ServerOptions = { models, host: flags.host ?? '127.0.0.1' };
  const ints: [string, keyof ServerOptions][] = [['port', 'port'], ['grpc-port', 'grpcPort'], ['max-batch-size', 'maxBatchSize'],
    ['max-queue', 'maxQueue'], ['body-limit', 'bodyLimit'], ['topk', 'topk'], ['max-image-size', 'maxImageSize'],
    ['preprocess-workers', 'preprocessWorkers'], ['instances', 'instances']];
  for (const [flag, key] of ints) if (flags[flag] !== undefined) (o as unknown as Record<string, unknown>)[key] = numberFlag(flag, flags[flag]);
  if (flags['max-queue-delay-ms'] !== undefined) o.maxQueueDelayMs = numberFlag('max-queue-delay-ms', flags['max-queue-delay-ms'], false);
  if (flags['timeout-ms'] !== undefined) o.timeoutMs = numberFlag('timeout-ms', flags['timeout-ms'], false);
  if (flags['preferred-batch-sizes']) o.preferredBatchSizes = flags['preferred-batch-sizes'].split(',').map((v) => numberFlag('preferred-batch-sizes', v));
  if (flags.device) o.device = flags.device as ServerOptions['device'];
  if (flags.dtype) o.dtype = flags.dtype as ServerOptions['dtype'];
  if (flags['log-level']) o.logLevel = flags['log-level'];
  return o;
}

/** Runs `torchvgg serve`: listens until SIGTERM/SIGINT, then drains and exits 0. */
export async function serve(argv: string[]): Promise<void> {
  if (argv.includes('--help') || argv.includes('-h')) {
    console.log(SERVE_USAGE);
    return;
  }
  const server = createServer(parseServeArgs(argv));
  exitOnSignals(server, server.log);
  await server.listen();
}
