// `node:http` for the Lambda bundles: Node's own module object, taken without an ES module facade.
// Building that facade reads every export of `node:http`, and its lazy getters load Node's whole
// fetch implementation (undici) at import: about 20 ms of a cold start that no task ever uses.
// See LAMBDA_BUNDLING.alias in bundling.ts.
module.exports = process.getBuiltinModule('node:http');
