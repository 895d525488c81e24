/** `raabta probe upload`: flush the outbox now, ignoring the backoff. */
import type { Runtime } from '../daemon/runtime.ts';
import type { ProbeArgs } from './args.ts';

export async function uploadNow(rt: Runtime, args: ProbeArgs, say: (line: string) => void): Promise<number> {
  if (!rt.config.upload) {
    say('Upload is disabled (--no-upload or "upload": false in the config).');
    return 2;
  }
  if (args.retryFailed) say(`${rt.outbox.retryFailed()} quarantined measurement(s) put back in the queue.`);
  const before = rt.outbox.counts().pending;
  if (before === 0) {
    say('The outbox is empty: nothing to upload.');
    return 0;
  }
  await rt.refreshCheckIn();
  const r = await rt.uploader.run({ force: true });
  if (r.error) {
    say(`Upload failed: ${r.error}. ${r.remaining} measurement(s) stay in the outbox.`);
    return 1;
  }
  say(`Uploaded ${r.acknowledged} of ${before} measurement(s) to ${r.collector}; ${r.remaining} pending.`);
  if (r.quarantined) say(`${r.quarantined} rejected as invalid: kept as failed (see raabta probe status).`);
  return 0;
}
