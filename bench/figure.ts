/**
 * One measured figure against its target. A target is either a ratio to the figure's baseline
 * measured in the same run (so it holds on machines of any speed) or, where the issue gives an
 * absolute number (UI, memory, batch rate), the value itself; the baseline is then shown for
 * context only.
 */
export interface Figure {
  /** Stable key for the JSON. */
  key: string;
  name: string;
  value: number;
  unit: string;
  baseline: { value: number; unit: string; what: string } | undefined;
  /** None for a figure shown as context for another: it passes or fails nothing. */
  target: { of: 'ratio' | 'value'; op: '>=' | '<='; limit: number } | undefined;
  /** What else a reader needs: counts, how it was measured, what was projected. */
  notes?: string;
  details?: Record<string, unknown>;
}

/** A section that could not be measured at all: reported, and the run fails. */
export interface SectionError {
  section: string;
  message: string;
}

export type Outcome = 'pass' | 'FAIL' | 'context';

/** value ÷ baseline, where both are the same kind of quantity. */
export const ratioOf = (f: Figure): number | undefined =>
  f.baseline && f.baseline.unit === f.unit && f.baseline.value !== 0 ? f.value / f.baseline.value : undefined;

export function outcome(f: Figure): Outcome {
  if (!f.target) return 'context';
  const measured = f.target.of === 'ratio' ? ratioOf(f) : f.value;
  if (measured === undefined || !Number.isFinite(measured)) return 'FAIL';
  return (f.target.op === '>=' ? measured >= f.target.limit : measured <= f.target.limit) ? 'pass' : 'FAIL';
}

function number(value: number): string {
  if (!Number.isFinite(value)) return String(value);
  const abs = Math.abs(value);
  const digits = abs >= 100 ? 0 : abs >= 10 ? 1 : 2;
  return value.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: 0 });
}

export function targetText(f: Figure): string {
  if (!f.target) return '—';
  const op = f.target.op === '>=' ? '≥' : '≤';
  return f.target.of === 'ratio' ? `ratio ${op} ${f.target.limit}` : `${op} ${number(f.target.limit)} ${f.unit}`;
}

export interface Row {
  figure: string;
  value: string;
  baseline: string;
  ratio: string;
  target: string;
  result: string;
}

export function rowOf(f: Figure): Row {
  const ratio = ratioOf(f);
  return {
    figure: f.name,
    value: `${number(f.value)} ${f.unit}`,
    baseline: f.baseline ? `${number(f.baseline.value)} ${f.baseline.unit}` : '—',
    // Against an absolute target the ratio is context only: in brackets.
    ratio: ratio === undefined ? '—' : f.target?.of === 'value' ? `(${ratio.toFixed(2)})` : ratio.toFixed(2),
    target: targetText(f),
    result: outcome(f),
  };
}

export function formatTable(rows: Row[]): string {
  const header: Row = { figure: 'figure', value: 'value', baseline: 'baseline', ratio: 'ratio', target: 'target', result: 'result' };
  const keys = Object.keys(header) as (keyof Row)[];
  const all = [header, ...rows];
  const widths = keys.map((k) => Math.max(...all.map((r) => r[k].length)));
  const line = (r: Row) =>
    keys
      .map((k, i) => (k === 'value' || k === 'baseline' || k === 'ratio' ? r[k].padStart(widths[i]!) : r[k].padEnd(widths[i]!)))
      .join('  ')
      .trimEnd();
  return [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}
