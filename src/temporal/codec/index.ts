/**
 * Encryption of what baoxue stores in Temporal. Every client and worker is made with
 * `baoxueDataConverter(codec)`:
 *
 *   const codec = new AesGcmPayloadCodec(resolvePayloadKeys(config, { log }).ring);
 *   new Client({ connection, namespace, dataConverter: baoxueDataConverter(codec) });
 *   Worker.create({ ..., dataConverter: baoxueDataConverter(codec) });
 */
import type { DataConverter, PayloadCodec } from '@temporalio/common';
import { loadOrCreatePayloadKeyFile, payloadKeyFilePath, readPayloadKeyFile } from './key-file';
import { PayloadKeyRing, describePayloadKeys } from './payload-keys';

export * from './aes-gcm-codec';
export * from './key-file';
export * from './payload-keys';
export * from './payload-json';

/** The failure converter that encodes messages and stack traces (see failure-converter.ts). */
export const FAILURE_CONVERTER_PATH = require.resolve('./failure-converter');

/** The data converter of every baoxue client and worker; without a codec, payloads stay in clear (replay tests, tools). */
export function baoxueDataConverter(codec?: PayloadCodec): DataConverter {
  return { payloadCodecs: codec ? [codec] : [], failureConverterPath: FAILURE_CONVERTER_PATH };
}

/**
 * The keys to use: BAOXUE_PAYLOAD_KEYS when set, else the key file in the data folder, created on
 * first use when `create` (a server process); tools that only read (`npm run reconcile`) pass
 * create: false and get undefined when there is no file.
 */
export function resolvePayloadKeys(
  config: { payloadKeys?: PayloadKeyRing; dataDir: string },
  options: { create?: boolean; log?: (line: string) => void } = {},
): PayloadKeyRing | undefined {
  const log = options.log ?? (() => undefined);
  if (config.payloadKeys) {
    log(`负载加密 / payload encryption: keys from BAOXUE_PAYLOAD_KEYS: ${describePayloadKeys(config.payloadKeys)}`);
    return config.payloadKeys;
  }
  if (options.create === false) {
    const ring = readPayloadKeyFile(config.dataDir);
    if (ring) log(`负载加密 / payload encryption: keys from ${payloadKeyFilePath(config.dataDir)}: ${describePayloadKeys(ring)}`);
    return ring;
  }
  const { ring, created } = loadOrCreatePayloadKeyFile(config.dataDir);
  log(
    `负载加密 / payload encryption: ${created ? 'generated a key into' : 'keys from'} ${payloadKeyFilePath(config.dataDir)}` +
      ` (${describePayloadKeys(ring)}); set BAOXUE_PAYLOAD_KEYS to manage keys yourself`,
  );
  return ring;
}
