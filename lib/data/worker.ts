// A DataLoader worker thread: rebuilds the dataset from its description, then answers batch requests
// with the batch's buffers, transferred (not copied) back to the main thread.
import { parentPort, workerData } from 'worker_threads';
import { fromJSON, DatasetSpec } from './datasets';
import { loadBatch } from './collate';

export interface BatchRequest { id: number; indices: number[]; epochSeed: number }

const dataset = fromJSON((workerData as { dataset: DatasetSpec }).dataset);

async function answer({ id, indices, epochSeed }: BatchRequest): Promise<void> {
  try {
    const b = await loadBatch(dataset, indices, epochSeed);
    parentPort!.postMessage({ id, batch: b }, [b.data.buffer as ArrayBuffer, b.labels.buffer as ArrayBuffer]);
  } catch (e) {
    const err = e as Error;
    parentPort!.postMessage({ id, error: { name: err?.name, message: err?.message ?? String(e) } });
  }
}

// answer() catches every error and posts it back to the loader, so its promise never rejects: nothing
// waits on it here, and requests are answered as their batches finish.
parentPort!.on('message', (request: BatchRequest) => { void answer(request); });
