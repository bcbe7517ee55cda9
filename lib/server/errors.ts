// The server's one error type: an HTTP status (and its gRPC code) with a message that names the problem.
/** An error the server answers with `status` (and the matching gRPC code) and its message. torchvgg's own. */
export class ServeError extends Error {
  /** seconds a client should wait before retrying (503s) */
  retryAfter?: number;
  constructor(readonly status: number, message: string, opts: { retryAfter?: number } = {}) {
    super(message);
    this.name = 'ServeError';
    this.retryAfter = opts.retryAfter;
  }
}

export const badRequest = (message: string): ServeError => new ServeError(400, message);

/** The gRPC status code (grpc-js's status enum values) for an HTTP status. */
export function grpcCode(status: number): number {
  if (status === 400 || status === 413) return 3; // INVALID_ARGUMENT
  if (status === 404) return 5; // NOT_FOUND
  if (status === 503) return 8; // RESOURCE_EXHAUSTED (queue full) / UNAVAILABLE while draining is 14
  if (status === 504) return 4; // DEADLINE_EXCEEDED
  return 13; // INTERNAL
}
