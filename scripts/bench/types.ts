/** A benchmark measures figures and, in the same run, a baseline; the ratio is what stays comparable. */
export interface BenchResult {
  name: string;
  parameters: Record<string, unknown>;
  figures: Record<string, number>;
  baseline: Record<string, number>;
  /** headline ratio: figure / baseline (higher or lower is better: see `better`) */
  ratio: number | null;
  ratioLabel: string;
  targets: { label: string; met: boolean; value: number; target: number }[];
  notes: string[];
}

export interface BenchOptions {
  quick: boolean;
  seed: number;
  log: (line: string) => void;
}

export interface Benchmark {
  name: string;
  description: string;
  /** needs root and the lab */
  needsLab?: boolean;
  run(opts: BenchOptions): Promise<BenchResult>;
}
