#!/usr/bin/env node
// Bundles the compiled workflow code once at build time, so a production worker starts without
// webpack (Temporal's recommendation: load a prebuilt bundle).
const { writeFileSync } = require('node:fs');
const { join } = require('node:path');
const { bundleWorkflowCode } = require('@temporalio/worker');

async function main() {
  const dist = join(__dirname, '..', 'dist');
  // Two bundles: the plain one, and one with the Temporal SDK's OpenTelemetry workflow interceptors
  // that a worker loads when OTEL_EXPORTER_OTLP_ENDPOINT is set (src/tracing); without it, no cost.
  const { WORKFLOW_TRACING_INTERCEPTORS } = require(join(dist, 'tracing'));
  for (const [file, workflowInterceptorModules] of [['workflow-bundle.js', []], ['workflow-bundle-traced.js', [WORKFLOW_TRACING_INTERCEPTORS]]]) {
    const { code } = await bundleWorkflowCode({
      workflowsPath: require.resolve(join(dist, 'workflows')),
      workflowInterceptorModules,
      // The same failure converter the worker's data converter names (src/temporal/codec): failure
      // messages thrown by workflow code are encoded, then encrypted by the payload codec.
      failureConverterPath: require.resolve(join(dist, 'temporal', 'codec', 'failure-converter')),
      logger: quietLogger(),
    });
    writeFileSync(join(dist, file), code);
    console.log(`workflow bundle: dist/${file} (${Math.round(code.length / 1024)} KiB)`);
  }
}

function quietLogger() {
  const noop = () => undefined;
  return { trace: noop, debug: noop, info: noop, warn: console.warn, error: console.error, log: noop };
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
