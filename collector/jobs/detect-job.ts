/**
 * The periodic disruption detection: reads rollups, runs the pure detector (collector/detect/, written
 * separately) and stores the events it reports. Until the detector exists this job only logs once.
 */
import type { Logger } from 'pino';
import type { Storage } from '../storage/types.ts';

export interface DetectJob {
  runOnce(): Promise<number>;
  stop(): void;
}

export function startDetectJob(_storage: Storage, log: Logger, o: { everyMs: number }): DetectJob {
  let warned = false;
  const runOnce = async () => {
    if (!warned) {
      warned = true;
      log.info('disruption detection: the detector (collector/detect/) is not available yet');
    }
    return 0;
  };
  const timer = o.everyMs > 0 ? setInterval(() => void runOnce(), o.everyMs) : null;
  timer?.unref();
  return {
    runOnce,
    stop() {
      if (timer) clearInterval(timer);
    },
  };
}
