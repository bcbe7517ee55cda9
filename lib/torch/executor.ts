// torch.executor: the addon's async executor, as seen from JS (a server reads its queue for backpressure).
import { native } from '../native';

/**
 * torchvgg's own (PyTorch has no async executor): the thread that runs `forwardAsync` and `trainStep` jobs, in
 * submission order.
 */
export const executor = {
  /** Async calls (forwardAsync, trainStep) submitted and not yet settled, the running one included. */
  pending: (): number => native.executorPending(),
};
