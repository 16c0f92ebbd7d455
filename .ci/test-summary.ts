// Adds up the vitest JSON reports of every workspace: prints "<passed> <failed>".
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const dir = process.argv[2];
let passed = 0;
let failed = 0;
if (dir) {
  for (const file of readdirSync(dir).filter((f) => f.endsWith('.json'))) {
    try {
      const report = JSON.parse(readFileSync(join(dir, file), 'utf8')) as {
        numPassedTests?: number;
        numFailedTests?: number;
        numTotalTestSuites?: number;
        success?: boolean;
        testResults?: { status?: string }[];
      };
      passed += report.numPassedTests ?? 0;
      failed += report.numFailedTests ?? 0;
      // A file that failed to load (syntax error, failing hook) has no failed test but is a failure.
      failed +=
        (report.testResults ?? []).filter((r) => r.status === 'failed').length > 0 &&
        (report.numFailedTests ?? 0) === 0
          ? 1
          : 0;
    } catch {
      failed += 1;
    }
  }
}
console.log(`${passed} ${failed}`);
