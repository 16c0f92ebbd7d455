import { describe, expect, it } from 'vitest';
import { createLogPrinter, formatLogLine, isLoud, logOptionsFrom } from './log-printer.ts';

const POWERTOOLS_LINE =
  '[order-confirm-order] {"level":"INFO","message":"task succeeded","timestamp":"2026-12-02T10:00:00.123Z","service":"order","orderId":"ord_1","correlationId":"c-1","xray_trace_id":"1-abc"}';

describe('npm start log lines', () => {
  it('prints a Powertools line as time, function, level, message, order and correlation id', () => {
    expect(formatLogLine(POWERTOOLS_LINE)).toBe(
      '10:00:00.123 order-confirm-order        INFO  task succeeded order=ord_1 corr=c-1',
    );
  });

  it('prints the access log as one request line, and the stack lines with their time', () => {
    const access =
      '{"requestId":"r","httpMethod":"POST","path":"/checkout","routeKey":"POST /checkout","status":202,"latencyMs":41}';
    expect(formatLogLine(access, false, new Date('2026-12-02T10:00:01.000Z'))).toBe(
      '10:00:01.000 gateway                          POST /checkout 202 41 ms',
    );
    expect(formatLogLine('[local-cloud] resumed 2 interrupted execution(s)')).toMatch(
      /^\d\d:\d\d:\d\d\.\d{3} local-cloud\s+resumed 2 interrupted execution\(s\)$/,
    );
    expect(formatLogLine('plain text from the stack')).toBe('plain text from the stack');
  });

  it('leaves EMF metric documents out of the readable log', () => {
    expect(
      formatLogLine('[order-http] {"_aws":{"Timestamp":1,"CloudWatchMetrics":[]},"OrdersPlaced":1}'),
    ).toBe(undefined);
  });

  it('keeps only warnings and errors with --quiet, and everything raw with --log-format json', () => {
    const printed: string[] = [];
    const quiet = createLogPrinter({
      format: 'pretty',
      quiet: true,
      color: false,
      write: (t) => printed.push(t),
    });
    quiet(POWERTOOLS_LINE);
    quiet('[order-http] {"level":"ERROR","message":"boom","timestamp":"2026-12-02T10:00:00.000Z"}');
    quiet('{"httpMethod":"GET","path":"/x","routeKey":"-","status":502,"latencyMs":3}');
    expect(printed).toEqual([
      '10:00:00.000 order-http                 ERROR boom\n',
      expect.stringContaining('GET /x 502 3 ms'),
    ]);
    const raw: string[] = [];
    createLogPrinter({ format: 'json', quiet: false, color: false, write: (t) => raw.push(t) })(
      POWERTOOLS_LINE,
    );
    expect(raw).toEqual([`${POWERTOOLS_LINE}\n`]);
    expect(isLoud('[stream:order-outbox-relay] StreamRecordsDiscardedError: records discarded')).toBe(true);
  });

  it('reads --log-format and --quiet, and refuses an unknown format', () => {
    expect(logOptionsFrom([])).toEqual({ format: 'pretty', quiet: false });
    expect(logOptionsFrom(['--log-format', 'json', '--quiet'])).toEqual({ format: 'json', quiet: true });
    expect(logOptionsFrom(['--log-format=pretty'])).toEqual({ format: 'pretty', quiet: false });
    expect(() => logOptionsFrom(['--log-format', 'xml'])).toThrow(
      '--log-format is "pretty" or "json", got "xml"',
    );
  });
});
