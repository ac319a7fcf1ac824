/**
 * The Temporal client of a command-line tool: TEMPORAL_ADDRESS, or the running app's (the read
 * model's finding), or an embedded dev server started on the data folder for the run and stopped
 * after it. Payloads are decoded with the deployment's keys (never creates one).
 */
import { join } from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { AesGcmPayloadCodec, baoxueDataConverter, resolvePayloadKeys } from '../temporal/codec';
import { startTemporalDevServer } from '../temporal/dev-server';
import type { CommandContext } from './command-database';

export async function commandTemporalClient({ config, readModel, cleanup }: CommandContext, say: (line: string) => void): Promise<Client> {
  let temporalAddress = (await readModel()).temporalAddress;
  if (!temporalAddress) {
    say(`启动 Temporal / starting the embedded Temporal of ${config.dataDir}`);
    const dev = await startTemporalDevServer({ dbFile: join(config.dataDir, 'temporal', 'temporal.db'), namespace: config.temporalNamespace });
    cleanup(() => dev.stop());
    temporalAddress = dev.address;
  }
  const connection = await Connection.connect({ address: temporalAddress });
  cleanup(() => connection.close());
  const keys = resolvePayloadKeys(config, { create: false });
  return new Client({ connection, namespace: config.temporalNamespace, dataConverter: baoxueDataConverter(keys && new AesGcmPayloadCodec(keys)) });
}
