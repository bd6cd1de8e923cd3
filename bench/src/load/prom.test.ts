import { describe, expect, it } from 'vitest';
import { meanBetween, parseExposition } from './prom.js';

describe('histograms from a Prometheus exposition', () => {
  it('gives the mean of what was observed between two scrapes', () => {
    const before = parseExposition(
      [
        '# HELP x_seconds help',
        'x_seconds_bucket{le="0.1",method="A"} 1',
        'x_seconds_sum{method="A"} 0.5',
        'x_seconds_count{method="A"} 2',
        'y_jobs_sum 10',
        'y_jobs_count 5',
      ].join('\n'),
    );
    const after = parseExposition(
      ['x_seconds_sum{method="A"} 1.5', 'x_seconds_count{method="A"} 6', 'y_jobs_sum 10'].join(
        '\n',
      ),
    );
    expect(meanBetween([before, after], 'x_seconds', 'method="A"')).toEqual({
      mean: 0.25,
      count: 4,
    });
    // Nothing observed in between (or the series is gone): no mean.
    expect(meanBetween([before, after], 'y_jobs').mean).toBeNaN();
    expect(meanBetween([before, after], 'missing').count).toBe(0);
  });
});
