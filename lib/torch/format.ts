// Tensor.toString(): PyTorch's torch._tensor_str, with its default print options
// (precision 4, threshold 1000, edgeitems 3, linewidth 80).
import type { Tensor } from './tensor';

const PRECISION = 4;
const THRESHOLD = 1000;
const EDGE = 3;
const LINEWIDTH = 80;

// Python rounds a decimal tie (a double exactly halfway, like 0.03125 or 100845.0 to 4 digits) to the
// even digit; toFixed/toExponential round it away from zero. `digits` are the exact decimal digits of
// |v| (toFixed(100) / toExponential(100) are exact for the values that can tie), `keep` how many stay.
function tieToEven(digits: string, keep: number): boolean {
  return /^50*$/.test(digits.slice(keep)) && Number(digits[keep - 1]) % 2 === 0;
}

// Whether |v| × 10^shift is (about) halfway between integers: a cheap test that spares nearly every
// value the exact (slow) digits. log10 may be one off near powers of ten, so both neighbours are tried.
function nearHalf(y: number): boolean { return Math.abs(y - Math.floor(y) - 0.5) < 1e-6; }
function mayTie(v: number, exponent?: boolean): boolean {
  const a = Math.abs(v);
  if (!exponent) return nearHalf(a * 10 ** PRECISION);
  const e = Math.floor(Math.log10(a));
  return [e - 1, e, e + 1].some((x) => nearHalf(a * 10 ** (PRECISION - x)));
}

// Python's '{:.4f}'.
function fixed(v: number): string {
  const s = v.toFixed(PRECISION);
  if (!Number.isFinite(v) || Math.abs(v) >= 1e21 || !mayTie(v)) return s;
  const exact = Math.abs(v).toFixed(100);
  const keep = exact.indexOf('.') + 1 + PRECISION;
  return tieToEven(exact.replace('.', ''), keep - 1) ? (v < 0 ? '-' : '') + exact.slice(0, keep) : s;
}

// Python's '{:.4e}': ties to even, and the exponent has at least two digits.
function sci(v: number, width = 0): string {
  let s = v.toExponential(PRECISION);
  if (Number.isFinite(v) && v !== 0 && mayTie(v, true)) {
    const [mantissa, exponent] = Math.abs(v).toExponential(100).split('e');
    const digits = mantissa.replace('.', '');
    if (tieToEven(digits, 1 + PRECISION)) s = `${v < 0 ? '-' : ''}${digits[0]}.${digits.slice(1, 1 + PRECISION)}e${exponent}`;
  }
  return s.replace(/e([+-])(\d)$/, 'e$10$2').padStart(width);
}

class Formatter {
  intMode = true;
  sciMode = false;
  width = 1;

  constructor(values: ArrayLike<number | boolean | bigint>, readonly floating: boolean) {
    if (!floating) {
      for (let i = 0; i < values.length; i++) this.width = Math.max(this.width, plain(values[i]).length);
      return;
    }
    const finite: number[] = [];
    for (let i = 0; i < values.length; i++) {
      const v = Number(values[i]);
      if (Number.isFinite(v) && v !== 0) finite.push(v);
    }
    if (finite.length === 0) return;
    // Loops, not Math.min(...abs): a summarized tensor of many dimensions keeps millions of values.
    let min = Infinity;
    let max = 0;
    for (const v of finite) {
      const a = Math.abs(v);
      if (a < min) min = a;
      if (a > max) max = a;
    }
    this.intMode = finite.every((v) => v === Math.ceil(v));
    const wide = max / min > 1000 || max > 1e8;
    if (this.intMode) {
      this.sciMode = wide;
      for (const v of finite) this.width = Math.max(this.width, wide ? sci(v).length : v.toFixed(0).length + 1);
    } else {
      this.sciMode = wide || min < 1e-4;
      for (const v of finite) {
        this.width = Math.max(this.width, this.sciMode ? sci(v).length : fixed(v).length);
      }
    }
  }

  format(value: number | boolean | bigint): string {
    let s: string;
    if (!this.floating) s = plain(value);
    else {
      const v = Number(value);
      if (Number.isNaN(v)) s = 'nan';
      else if (!Number.isFinite(v)) s = v > 0 ? 'inf' : '-inf';
      else if (this.sciMode) s = sci(v, this.width);
      else if (this.intMode) s = v.toFixed(0) + '.';
      else s = fixed(v);
    }
    return s.padStart(this.width);
  }
}

function plain(v: number | boolean | bigint): string {
  if (typeof v === 'boolean') return v ? 'True' : 'False';
  return String(v);
}

// Indices kept along each dimension when summarizing: the first and last EDGE, or null for all of them.
// Never a list as long as the dimension, so printing costs O(edge items) whatever the size.
function keptIndices(size: number, summarize: boolean): number[] | null {
  if (!summarize || size <= 2 * EDGE) return null;
  const kept: number[] = [];
  for (let i = 0; i < EDGE; i++) kept.push(i);
  for (let i = size - EDGE; i < size; i++) kept.push(i);
  return kept;
}

export function tensorToString(t: Tensor): string {
  const shape = t.shape;
  const numel = t.numel();
  const dtype = t.dtype;
  const suffixes: string[] = [];
  let body: string;
  if (t.device !== 'cpu') suffixes.push(`device='${t.device}'`);
  if (numel === 0) {
    body = '[]';
    if (shape.length !== 1) suffixes.push(`size=(${shape.join(', ')}${shape.length === 1 ? ',' : ''})`);
  } else {
    const summarize = numel > THRESHOLD;
    // Summarized data, as get_summarized_data: only the edge rows of each long dimension. A quantized
    // tensor prints the values it stands for, as Python's does.
    let reduced = t.isQuantized ? t.dequantize() : t.detach();
    const kept = shape.map((s) => keptIndices(s, summarize));
    kept.forEach((idx, d) => {
      if (idx) {
        const next = reduced.indexSelect(d, idx);
        if (reduced !== t) reduced.dispose();
        reduced = next;
      }
    });
    const values = reduced.toTypedArray();
    const bools = dtype === 'bool';
    const floating = dtype.startsWith('float') || dtype === 'bfloat16' || t.isQuantized;
    const fmt = new Formatter(bools ? Array.from(values as Uint8Array, (v) => v !== 0) : values, floating);
    const at = (i: number): number | boolean | bigint => (bools ? values[i] !== 0 : values[i]);
    const rshape = reduced.shape;
    const strides = rshape.map((_, d) => rshape.slice(d + 1).reduce((a, b) => a * b, 1));
    const gap = (d: number) => kept[d] !== null;

    const render = (d: number, offset: number, indent: number): string => {
      if (rshape.length === 0) return fmt.format(at(0));
      if (d === rshape.length - 1) {
        const items: string[] = [];
        for (let i = 0; i < rshape[d]; i++) {
          if (gap(d) && i === EDGE) items.push(' ...');
          items.push(fmt.format(at(offset + i * strides[d])));
        }
        const perLine = Math.max(1, Math.floor((LINEWIDTH - indent) / (fmt.width + 2)));
        const lines: string[] = [];
        for (let i = 0; i < items.length; i += perLine) lines.push(items.slice(i, i + perLine).join(', '));
        return '[' + lines.join(',\n' + ' '.repeat(indent + 1)) + ']';
      }
      const parts: string[] = [];
      for (let i = 0; i < rshape[d]; i++) {
        if (gap(d) && i === EDGE) parts.push('...');
        parts.push(render(d + 1, offset + i * strides[d], indent + 1));
      }
      const dimsLeft = rshape.length - d;
      return '[' + parts.join(',' + '\n'.repeat(dimsLeft - 1) + ' '.repeat(indent + 1)) + ']';
    };
    body = render(0, 0, 'tensor('.length);
    reduced.dispose();
  }
  if (t.isQuantized) suffixes.push(`size=(${shape.join(', ')}${shape.length === 1 ? ',' : ''})`);
  if (dtype !== 'float32' && dtype !== 'int64' && dtype !== 'bool') suffixes.push(`dtype=torch.${dtype}`);
  if (t.isQuantized) suffixes.push(...quantizerSuffixes(t));
  const gradFn = t.gradFnName();
  if (gradFn) suffixes.push(`grad_fn=<${gradFn}>`);
  else if (t.requiresGrad) suffixes.push('requires_grad=True');

  // _add_suffixes: wrap a suffix onto its own line when the line would pass the width.
  let out = 'tensor(' + body;
  let lastLine = out.length - out.lastIndexOf('\n') + 1;
  for (const s of suffixes) {
    if (lastLine + s.length + 2 > LINEWIDTH) {
      out += ',\n' + ' '.repeat('tensor('.length) + s;
      lastLine = 'tensor('.length + s.length;
    } else {
      out += ', ' + s;
      lastLine += s.length + 2;
    }
  }
  return out + ')';
}

// _tensor_str's quantization suffixes: the scheme, then scale and zero point (per tensor) or the
// per-channel tensors and axis.
function quantizerSuffixes(t: Tensor): string[] {
  const scheme = t.qscheme();
  const out = [`quantization_scheme=torch.${scheme}`];
  if (scheme === 'per_tensor_affine' || scheme === 'per_tensor_symmetric') {
    out.push(`scale=${pyNumber(t.qScale())}`, `zero_point=${t.qZeroPoint()}`);
  } else {
    out.push(`scale=${tensorToString(t.qPerChannelScales())}`, `zero_point=${tensorToString(t.qPerChannelZeroPoints())}`,
      `axis=${t.qPerChannelAxis()}`);
  }
  return out;
}

// Python's str() of a float: 0.1, 1.0, 1e-05.
function pyNumber(v: number): string {
  if (Number.isInteger(v) && Math.abs(v) < 1e16) return v.toFixed(1);
  const s = String(v);
  return s.replace(/e([+-])(\d)$/, 'e$10$2');
}
