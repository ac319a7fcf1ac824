/**
 * Encrypts every payload Temporal stores (workflow input, activity arguments and results, update
 * arguments and results, query answers, failure details and, with the failure converter of this
 * folder, failure messages): the case facts, notes and reasons travel there, and Temporal's
 * database, UI and CLI must not show them to whoever can reach Temporal.
 *
 * An encrypted payload:
 *   metadata.encoding           = "binary/encrypted"
 *   metadata.encryption-key-id  = id of the key (see payload-keys.ts), so keys can rotate
 *   metadata.encryption-cipher  = "AES-256-GCM"
 *   data = 12-byte random nonce ‖ ciphertext ‖ 16-byte GCM tag
 * The plaintext is the original payload (metadata and data) as proto3 JSON; the key id is
 * authenticated too (additional data), so a payload cannot be relabelled to another key.
 * Payloads without the encrypted encoding are passed through on decode (data written before
 * encryption was switched on stay readable).
 */
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import type { Payload, PayloadCodec } from '@temporalio/common';
import { payloadFromJSON, payloadToJSON } from './payload-json';
import { PayloadKeyRing, describePayloadKeys } from './payload-keys';

export const ENCRYPTED_ENCODING = 'binary/encrypted';
export const KEY_ID_METADATA = 'encryption-key-id';
export const CIPHER_METADATA = 'encryption-cipher';
export const CIPHER = 'AES-256-GCM';
const NONCE_BYTES = 12;
const TAG_BYTES = 16;

/** A payload names a key this process does not have. */
export class UnknownPayloadKeyError extends Error {
  constructor(
    readonly keyId: string,
    known: string,
  ) {
    super(
      `payload is encrypted with key "${keyId}", which is not configured (known: ${known}). ` +
        `Add it to BAOXUE_PAYLOAD_KEYS after the current key (or to the payload-keys file of the data folder) to read it.`,
    );
    this.name = 'UnknownPayloadKeyError';
  }
}

/** The payload is not what was encrypted: altered, truncated, or encrypted with another key of the same id. */
export class PayloadDecryptionError extends Error {
  constructor(readonly keyId: string, reason: string) {
    super(`payload could not be decrypted with key "${keyId}": ${reason}`);
    this.name = 'PayloadDecryptionError';
  }
}

export class AesGcmPayloadCodec implements PayloadCodec {
  constructor(private readonly ring: PayloadKeyRing) {}

  get currentKeyId(): string {
    return this.ring.currentKeyId;
  }

  async encode(payloads: Payload[]): Promise<Payload[]> {
    return payloads.map((payload) => this.encryptOne(payload));
  }

  async decode(payloads: Payload[]): Promise<Payload[]> {
    return payloads.map((payload) => this.decryptOne(payload));
  }

  encryptOne(payload: Payload): Payload {
    const keyId = this.ring.currentKeyId;
    const key = this.ring.keys.get(keyId)!;
    const nonce = randomBytes(NONCE_BYTES);
    const cipher = createCipheriv('aes-256-gcm', key, nonce, { authTagLength: TAG_BYTES });
    cipher.setAAD(Buffer.from(keyId, 'utf8'));
    const plaintext = Buffer.from(JSON.stringify(payloadToJSON(payload)), 'utf8');
    const ciphertext = Buffer.concat([cipher.update(plaintext), cipher.final()]);
    return {
      metadata: {
        encoding: Buffer.from(ENCRYPTED_ENCODING),
        [KEY_ID_METADATA]: Buffer.from(keyId),
        [CIPHER_METADATA]: Buffer.from(CIPHER),
      },
      data: Buffer.concat([nonce, ciphertext, cipher.getAuthTag()]),
    };
  }

  decryptOne(payload: Payload): Payload {
    if (!isEncrypted(payload)) return payload;
    const keyIdBytes = payload.metadata?.[KEY_ID_METADATA];
    if (!keyIdBytes) throw new PayloadDecryptionError('?', `the payload names no key (no ${KEY_ID_METADATA} metadata)`);
    const keyId = Buffer.from(keyIdBytes).toString('utf8');
    const key = this.ring.keys.get(keyId);
    if (!key) throw new UnknownPayloadKeyError(keyId, describePayloadKeys(this.ring));
    const data = Buffer.from(payload.data ?? new Uint8Array());
    if (data.length < NONCE_BYTES + TAG_BYTES) throw new PayloadDecryptionError(keyId, `too short (${data.length} bytes)`);
    const decipher = createDecipheriv('aes-256-gcm', key, data.subarray(0, NONCE_BYTES), { authTagLength: TAG_BYTES });
    decipher.setAAD(Buffer.from(keyId, 'utf8'));
    decipher.setAuthTag(data.subarray(data.length - TAG_BYTES));
    let plaintext: Buffer;
    try {
      plaintext = Buffer.concat([decipher.update(data.subarray(NONCE_BYTES, data.length - TAG_BYTES)), decipher.final()]);
    } catch {
      throw new PayloadDecryptionError(keyId, 'it was altered, or a different key carries this id');
    }
    return payloadFromJSON(JSON.parse(plaintext.toString('utf8')));
  }
}

export function isEncrypted(payload: Payload): boolean {
  const encoding = payload.metadata?.encoding;
  return encoding !== undefined && encoding !== null && Buffer.from(encoding).toString('utf8') === ENCRYPTED_ENCODING;
}
