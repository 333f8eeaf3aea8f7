export { runRuleTests } from './run-tests.js';
export type { RuleTestIo } from './run-tests.js';
export { parseTestFile } from './test-file.js';
export type { TestFile, TestGroup } from './test-file.js';
