/**
 * The check-in lists the collector serves: loaded at start (a bad file throws, so the collector refuses to
 * start), reloaded on demand (SIGHUP, see collector/cli.ts) and, with `watch`, when a file in the directory
 * changes. A reload that fails keeps serving the previous lists and logs why.
 */
import { type FSWatcher, watch } from 'node:fs';
import type { Logger } from 'pino';
import { type Catalog, type CheckInLists, loadCatalog } from './catalog.ts';

export interface CheckInStore {
  /** the lists for country `cc`, network `asn` */
  lists(cc: string, asn: string): CheckInLists;
  /** re-reads the directory; false (and the old lists kept) when it is invalid */
  reload(): boolean;
  /** the last reload error, null after a good one */
  lastError(): string | null;
  close(): void;
}

export interface CheckInStoreOptions {
  /** operator directory; null = the probe's built-in suites only */
  dir: string | null;
  log: Logger;
  /** reload when a file under `dir` changes (debounced) */
  watch?: boolean;
  /** replaces probe/suites as the defaults (tests) */
  defaultsDir?: string;
}

export function openCheckInStore(o: CheckInStoreOptions): CheckInStore {
  const load = () => loadCatalog(o.dir, o.defaultsDir);
  let catalog: Catalog = load();
  let error: string | null = null;
  let watcher: FSWatcher | null = null;
  let timer: NodeJS.Timeout | null = null;
  o.log.info({ dir: o.dir, files: catalog.files }, 'check-in lists loaded');

  const store: CheckInStore = {
    lists: (cc, asn) => catalog.resolve(cc, asn),
    reload() {
      try {
        catalog = load();
        error = null;
        o.log.info({ dir: o.dir, files: catalog.files }, 'check-in lists reloaded');
        return true;
      } catch (err) {
        error = (err as Error).message;
        o.log.error({ err: error }, 'check-in lists NOT reloaded (the previous lists are still served)');
        return false;
      }
    },
    lastError: () => error,
    close() {
      if (timer) clearTimeout(timer);
      watcher?.close();
      watcher = null;
    },
  };
  if (o.watch && o.dir) {
    watcher = watch(o.dir, { recursive: true }, () => {
      if (timer) clearTimeout(timer);
      timer = setTimeout(() => {
        timer = null;
        store.reload();
      }, 200);
      timer.unref();
    });
    watcher.on('error', (err) => o.log.warn({ err: err.message }, 'watching the check-in lists failed'));
  }
  return store;
}
