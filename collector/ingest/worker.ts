/** Worker-thread entry: prepares batches (prepare.ts) off the main thread. */
import { parentPort } from 'node:worker_threads';
import { createAnalyzer } from './analyze.ts';
import { type PrepareInput, type PrepareResult, prepareBatch } from './prepare.ts';
import { fastMeasurementValidator } from './validator.ts';

interface Job {
  id: number;
  input: PrepareInput;
  now_ms: number;
}

const errors: string[] = [];
const analyze = createAnalyzer((test, err) => {
  if (errors.length < 20) errors.push(`${test}: ${err.message}`);
});
fastMeasurementValidator();

parentPort!.on('message', (job: Job) => {
  let result: PrepareResult;
  try {
    result = prepareBatch(job.input, analyze, job.now_ms);
  } catch (err) {
    result = { ok: false, status: 400, code: 'invalid_batch', message: (err as Error).message };
  }
  const transfer: ArrayBuffer[] = [];
  if (result.ok) {
    // the job's body buffer is ours to hand back; anything else may sit in Node's shared pool: copy it
    if (result.batch.gzip !== job.input.body) result.batch.gzip = new Uint8Array(result.batch.gzip);
    transfer.push(result.batch.gzip.buffer as ArrayBuffer);
  }
  parentPort!.postMessage({ id: job.id, result, analysis_errors: errors.splice(0) }, transfer);
});
parentPort!.postMessage({ ready: true });
