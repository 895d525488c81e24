/** Findings (what one stage of the analysis concluded) and how they become a Verdict. */
import type { BlockingMethod, Verdict, VerdictStatus } from '../../schemas/src/measurement.ts';
import type { ControlView } from './control.ts';

export interface Finding {
  status: VerdictStatus;
  method: BlockingMethod | null;
  confidence: number;
  reason: string;
  evidence: string[];
}

/** Without a usable control nothing is confidently blocked (or confidently down): cap and say so. */
export const NO_CONTROL_CAP = 0.5;

export function finding(
  status: VerdictStatus,
  method: BlockingMethod | null,
  confidence: number,
  reason: string,
  evidence: string[] = [],
): Finding {
  return { status, method: status === 'blocked' ? method : null, confidence, reason, evidence };
}

/** Applies the no-control rule to a finding that leaned on the control being absent. */
export function capForControl(f: Finding, control: ControlView): Finding {
  if (control.state === 'ok' || f.status === 'error') return f;
  return {
    ...f,
    confidence: Math.min(f.confidence, NO_CONTROL_CAP),
    reason: `${f.reason}; ${control.reason}`,
  };
}

export function toVerdict(f: Finding, analysisVersion: string): Verdict {
  const evidence = [...new Set(f.evidence)].filter((p) => p.length <= 200).slice(0, 50);
  return {
    status: f.status,
    method: f.status === 'blocked' ? f.method : null,
    confidence: Math.round(Math.min(Math.max(f.confidence, 0), 1) * 100) / 100,
    reason: f.reason.length > 2000 ? `${f.reason.slice(0, 1997)}...` : f.reason,
    evidence,
    analysis_version: analysisVersion.slice(0, 32),
  };
}
