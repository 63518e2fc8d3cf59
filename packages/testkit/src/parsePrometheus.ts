/**
 * A strict parser of the Prometheus text exposition format (0.0.4), for tests: every line must be
 * a `# HELP`, a `# TYPE` or a sample of the family declared just before it; label values must be
 * properly escaped; histogram buckets must be cumulative and end with `le="+Inf"` equal to
 * `_count`. Throws on the first bad line, naming it.
 */

/** One sample line: its full name (with a histogram's suffix), its labels and its value. */
export interface ParsedSample {
  readonly name: string;
  readonly labels: Record<string, string>;
  readonly value: number;
}

/** One metric family: its HELP, its TYPE and its samples in order. */
export interface ParsedFamily {
  readonly name: string;
  readonly help: string;
  readonly type: 'counter' | 'gauge' | 'histogram' | 'summary' | 'untyped';
  readonly samples: ParsedSample[];
}

const metricName = '[a-zA-Z_:][a-zA-Z0-9_:]*';
const labelName = '[a-zA-Z_][a-zA-Z0-9_]*';
const labelValue = '"(?:[^"\\\\\\n]|\\\\[\\\\"n])*"';
const value = '(?:[-+]?(?:\\d+(?:\\.\\d*)?|\\.\\d+)(?:[eE][-+]?\\d+)?|[-+]?Inf|NaN)';
/** The line patterns, made per parse (a `g` RegExp carries state). */
function patterns(): { helpLine: RegExp; typeLine: RegExp; sampleLine: RegExp; labelPair: RegExp } {
  return {
    helpLine: new RegExp(`^# HELP (${metricName}) (.*)$`),
    typeLine: new RegExp(`^# TYPE (${metricName}) (counter|gauge|histogram|summary|untyped)$`),
    sampleLine: new RegExp(
      `^(${metricName})(\\{(?:${labelName}=${labelValue}(?:,${labelName}=${labelValue})*)?\\})? (${value})(?: -?\\d+)?$`,
    ),
    labelPair: new RegExp(`(${labelName})=(${labelValue})`, 'g'),
  };
}

function unescape(v: string): string {
  return v.slice(1, -1).replace(/\\(["\\n])/g, (_, c: string) => (c === 'n' ? '\n' : c));
}

function parseValue(v: string): number {
  if (v === '+Inf' || v === 'Inf') return Infinity;
  if (v === '-Inf') return -Infinity;
  if (v === 'NaN') return Number.NaN;
  return Number(v);
}

function checkHistogram(f: ParsedFamily): void {
  const bySeries = new Map<string, ParsedSample[]>();
  for (const s of f.samples) {
    const { le: _le, ...rest } = s.labels;
    const key = JSON.stringify(rest);
    const list = bySeries.get(key) ?? [];
    list.push(s);
    bySeries.set(key, list);
  }
  for (const [key, list] of bySeries) {
    const buckets = list.filter((s) => s.name.endsWith('_bucket'));
    const count = list.find((s) => s.name.endsWith('_count'));
    const sum = list.find((s) => s.name.endsWith('_sum'));
    if (count === undefined || sum === undefined)
      throw new Error(`${f.name} ${key}: _sum and _count required`);
    let prevLe = -Infinity;
    let prevCount = 0;
    for (const b of buckets) {
      const le = parseValue(b.labels.le ?? '');
      if (!(le > prevLe)) throw new Error(`${f.name} ${key}: le must increase`);
      if (b.value < prevCount) throw new Error(`${f.name} ${key}: buckets must be cumulative`);
      prevLe = le;
      prevCount = b.value;
    }
    if (prevLe !== Infinity) throw new Error(`${f.name} ${key}: last bucket must be le="+Inf"`);
    if (prevCount !== count.value)
      throw new Error(`${f.name} ${key}: +Inf bucket must equal _count`);
  }
}

/**
 * Parses a Prometheus text exposition strictly (see the top of this file for the rules) into its
 * families, in order. Throws on the first bad line, naming it and its number.
 */
export function parsePrometheus(text: string): ParsedFamily[] {
  const { helpLine, typeLine, sampleLine, labelPair } = patterns();
  if (text !== '' && !text.endsWith('\n')) throw new Error('exposition must end with a newline');
  const families: ParsedFamily[] = [];
  const seen = new Set<string>();
  let current:
    | { name: string; help: string; type?: ParsedFamily['type']; samples: ParsedSample[] }
    | undefined;
  const lines = text === '' ? [] : text.slice(0, -1).split('\n');
  lines.forEach((line, i) => {
    const where = `line ${i + 1}: ${JSON.stringify(line)}`;
    let m = helpLine.exec(line);
    if (m) {
      const name = m[1] as string;
      if (seen.has(name)) throw new Error(`${where}: family ${name} declared twice`);
      seen.add(name);
      current = { name, help: m[2] as string, samples: [] };
      families.push(current as ParsedFamily);
      return;
    }
    m = typeLine.exec(line);
    if (m) {
      if (current === undefined || current.name !== m[1] || current.type !== undefined)
        throw new Error(`${where}: TYPE must follow its HELP`);
      current.type = m[2] as ParsedFamily['type'];
      return;
    }
    m = sampleLine.exec(line);
    if (!m) throw new Error(`${where}: not a valid exposition line`);
    if (current?.type === undefined) throw new Error(`${where}: sample before any TYPE`);
    const name = m[1] as string;
    const suffixes = current.type === 'histogram' ? ['_bucket', '_sum', '_count'] : [''];
    if (!suffixes.some((s) => name === current?.name + s))
      throw new Error(`${where}: sample ${name} outside family ${current.name}`);
    const labels: Record<string, string> = {};
    for (const pair of (m[2] ?? '').matchAll(labelPair))
      labels[pair[1] as string] = unescape(pair[2] as string);
    current.samples.push({ name, labels, value: parseValue(m[3] as string) });
  });
  for (const f of families) {
    if (f.type === undefined) throw new Error(`family ${f.name} has no TYPE`);
    if (f.type === 'histogram') checkHistogram(f);
  }
  return families;
}
