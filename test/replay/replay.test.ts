/**
 * Determinism: every committed history of a real run (test/replay/histories, recorded with
 * `npm run record-histories`) must replay on the current workflow code. A change that would break a
 * running case fails here before it is deployed; a deliberate incompatible change proves the test
 * can fail. Workflow changes go through patched() (see the patch notes in src/workflows/case-workflow.ts).
 */
import { ReplayWorkerOptions, Worker } from '@temporalio/worker';
import { DeterminismViolationError } from '@temporalio/workflow';
import { NormalModuleReplacementPlugin } from 'webpack';
import { baoxueDataConverter } from '../../src/temporal/codec';
import { installTemporalRuntime } from '../../src/temporal/runtime';
import { HistoryFile, historyFiles, readHistory } from './history-files';

const files = historyFiles();

/** The worker options production uses, minus connection and codec (the histories are in clear). */
function replayOptions(replace?: { module: RegExp; with: string }): ReplayWorkerOptions {
  return {
    workflowsPath: require.resolve('../../src/workflows'),
    dataConverter: baoxueDataConverter(),
    ...(replace && {
      bundlerOptions: {
        webpackConfigHook: (config) => {
          config.plugins = [...(config.plugins ?? []), new NormalModuleReplacementPlugin(replace.module, replace.with)];
          return config;
        },
      },
    }),
  };
}

async function replay(options: ReplayWorkerOptions, selected: HistoryFile[]): Promise<Map<string, Error | undefined>> {
  const results = new Map<string, Error | undefined>();
  const histories = selected.map((f) => ({ workflowId: f.name, history: readHistory(f.file) }));
  for await (const result of Worker.runReplayHistories(options, histories)) results.set(result.workflowId, result.error);
  return results;
}

// ERROR: the negative test's expected nondeterminism would otherwise print a warning per history.
beforeAll(() => installTemporalRuntime('ERROR'));

describe('replay of committed histories', () => {
  it('has a history for every path through the chain', () => {
    const paths = new Set(files.map((f) => f.name.split('/')[1]));
    for (const path of ['full-chain', 'return-follow-up-closure', 'relapse', 'pause-resume', 'exempt', 'transfer', 'complete', 'cancel', 'refused-update', 'open-at-gate', 'open-paused', 'extension-at-home-visit', 'document-issued', 'transfer-accepted', 'transfer-declined', 'open-transfer-pending']) {
      expect(paths).toContain(path);
    }
  });

  it('replays every committed history on the current workflow code without a determinism violation', async () => {
    const results = await replay(replayOptions(), files);
    expect([...results.keys()].sort()).toEqual(files.map((f) => f.name).sort());
    const failures = [...results].filter(([, error]) => error !== undefined).map(([name, error]) => `${name}: ${error!.name}: ${error!.message}`);
    expect(failures).toEqual([]);
  }, 120_000);

  it('fails with DeterminismViolationError when the workflow adds a command the histories do not have (a deliberate incompatible change)', async () => {
    const results = await replay(
      replayOptions({ module: /^\.\/case-workflow$/, with: require.resolve('./incompatible/case-workflow-with-a-new-timer') }),
      files,
    );
    expect(results.size).toBe(files.length);
    for (const [name, error] of results) {
      expect({ name, error: error?.name }).toEqual({ name, error: 'DeterminismViolationError' });
      expect(error).toBeInstanceOf(DeterminismViolationError);
    }
  }, 120_000);
});
