// Graceful shutdown on SIGTERM/SIGINT: readiness off, no new connections, every accepted request answered, then exit 0.
import type { Logger } from 'pino';

/**
 * Installs the signal handlers; a second signal while draining exits at once with 1.
 * torchvgg's own: SIGTERM/SIGINT start {@link InferenceServer.close}, and the process exits when it is done.
 */
export function exitOnSignals(server: { close(): Promise<void> }, log: Logger, signals: NodeJS.Signals[] = ['SIGTERM', 'SIGINT']): void {
  let closing = false;
  const onSignal = (signal: NodeJS.Signals): void => {
    if (closing) {
      log.warn({ signal }, 'second signal while draining: exiting now');
      process.exit(1);
    }
    closing = true;
    log.info({ signal }, 'draining: not ready, refusing new connections, finishing accepted requests');
    server.close().then(() => {
      log.info('drained; exiting');
      process.exit(0);
    }, (e: Error) => {
      log.error({ err: e }, 'shutdown failed');
      process.exit(1);
    });
  };
  for (const s of signals) process.on(s, onSignal);
}
