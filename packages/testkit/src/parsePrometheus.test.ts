import { describe, expect, it } from 'vitest';
import { parsePrometheus } from './parsePrometheus.js';

describe('parsePrometheus', () => {
  it('reads families, labels (unescaped), special values and histograms', () => {
    const text = [
      '# HELP app_events_total Events.',
      '# TYPE app_events_total counter',
      'app_events_total{kind="a \\"q\\"\\\\ \\nx"} 3',
      '# HELP app_level Level.',
      '# TYPE app_level gauge',
      'app_level -Inf',
      '# HELP h H.',
      '# TYPE h histogram',
      'h_bucket{le="1"} 1',
      'h_bucket{le="+Inf"} 2',
      'h_sum 3.5',
      'h_count 2',
      '',
    ].join('\n');
    expect(parsePrometheus(text)).toEqual([
      {
        name: 'app_events_total',
        help: 'Events.',
        type: 'counter',
        samples: [{ name: 'app_events_total', labels: { kind: 'a "q"\\ \nx' }, value: 3 }],
      },
      {
        name: 'app_level',
        help: 'Level.',
        type: 'gauge',
        samples: [{ name: 'app_level', labels: {}, value: -Infinity }],
      },
      {
        name: 'h',
        help: 'H.',
        type: 'histogram',
        samples: [
          { name: 'h_bucket', labels: { le: '1' }, value: 1 },
          { name: 'h_bucket', labels: { le: '+Inf' }, value: 2 },
          { name: 'h_sum', labels: {}, value: 3.5 },
          { name: 'h_count', labels: {}, value: 2 },
        ],
      },
    ]);
    expect(parsePrometheus('')).toEqual([]);
  });

  // Moved from @ws/dashboard's prometheus.test.ts with the parser.
  it('the test parser rejects malformed expositions', () => {
    expect(() => parsePrometheus('# TYPE x counter\nx 1\n')).toThrow(/TYPE must follow its HELP/);
    expect(() => parsePrometheus('# HELP x X.\n# TYPE x counter\nx{a="b} 1\n')).toThrow(
      /not a valid exposition line/,
    );
    expect(() => parsePrometheus('# HELP x X.\n# TYPE x counter\ny 1\n')).toThrow(
      /outside family x/,
    );
    expect(() =>
      parsePrometheus(
        '# HELP h H.\n# TYPE h histogram\nh_bucket{le="1"} 2\nh_bucket{le="+Inf"} 1\nh_sum 1\nh_count 1\n',
      ),
    ).toThrow(/cumulative/);
    expect(() => parsePrometheus('# HELP x X.\n# TYPE x counter\nx 1')).toThrow(/newline/);
  });
});
