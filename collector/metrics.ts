/** Prometheus text exposition: counters kept here, gauges read when scraped. */

type Labels = Record<string, string>;

function labelText(labels: Labels): string {
  const parts = Object.entries(labels).map(
    ([k, v]) => `${k}="${v.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n')}"`,
  );
  return parts.length ? `{${parts.join(',')}}` : '';
}

interface Family {
  help: string;
  type: 'counter' | 'gauge';
  values: Map<string, number>;
  read?: () => Promise<number> | number;
}

export class Metrics {
  private readonly families = new Map<string, Family>();

  counter(name: string, help: string): void {
    if (!this.families.has(name)) this.families.set(name, { help, type: 'counter', values: new Map() });
  }

  gauge(name: string, help: string, read: () => Promise<number> | number): void {
    this.families.set(name, { help, type: 'gauge', values: new Map(), read });
  }

  inc(name: string, labels: Labels = {}, by = 1): void {
    const f = this.families.get(name);
    if (!f) throw new Error(`unknown metric ${name}`);
    const key = labelText(labels);
    f.values.set(key, (f.values.get(key) ?? 0) + by);
  }

  value(name: string, labels: Labels = {}): number {
    return this.families.get(name)?.values.get(labelText(labels)) ?? 0;
  }

  async render(): Promise<string> {
    const out: string[] = [];
    for (const [name, f] of this.families) {
      out.push(`# HELP ${name} ${f.help}`, `# TYPE ${name} ${f.type}`);
      if (f.read) out.push(`${name} ${await f.read()}`);
      else if (f.values.size === 0) out.push(`${name} 0`);
      else for (const [labels, v] of f.values) out.push(`${name}${labels} ${v}`);
    }
    return `${out.join('\n')}\n`;
  }
}

/**
 * `fn`'s result, reused for `maxAgeMs` (and shared by callers while it is computed): for gauges whose value
 * is costly to read, so one scrape — or a scraper polling too often — costs one read.
 */
export function recent<T>(fn: () => Promise<T>, maxAgeMs: number, now = () => Date.now()): () => Promise<T> {
  let last: { at: number; value: Promise<T> } | null = null;
  return () => {
    if (!last || now() - last.at > maxAgeMs) {
      const value = fn();
      last = { at: now(), value };
      // a failed read is not kept: the next call tries again
      value.catch(() => {
        if (last?.value === value) last = null;
      });
    }
    return last.value;
  };
}
