/** The AES-256-GCM payload codec, its keys and the embedded default's key file. */
import { randomBytes } from 'node:crypto';
import { chmodSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ApplicationFailure, defaultPayloadConverter, Payload } from '@temporalio/common';
import { loadDataConverter } from '@temporalio/common/lib/internal-non-workflow/data-converter-helpers';
import { decodeOptionalFailureToOptionalError, encodeErrorToFailure } from '@temporalio/common/lib/internal-non-workflow/codec-helpers';
import {
  AesGcmPayloadCodec,
  baoxueDataConverter,
  CIPHER,
  ENCRYPTED_ENCODING,
  KEY_ID_METADATA,
  PayloadDecryptionError,
  UnknownPayloadKeyError,
  loadOrCreatePayloadKeyFile,
  parsePayloadKeys,
  payloadKeyFilePath,
  readPayloadKeyFile,
} from '../../src/temporal/codec';
import { ConfigError, loadConfig } from '../../src/config';

const key = () => randomBytes(32).toString('base64');
const ring = (text: string) => {
  const { ring: parsed, problems } = parsePayloadKeys(text);
  expect(problems).toEqual([]);
  return parsed!;
};
const text = (p: Payload) => Buffer.from(p.data ?? []).toString('utf8') + JSON.stringify(p.metadata ?? {});
const meta = (p: Payload, name: string) => Buffer.from(p.metadata![name]!).toString('utf8');

const facts = { caseId: 'c1', note: '家长外出务工，孩子在家照顾弟妹', cause: 'GUARDIAN_REFUSES' };

describe('the payload codec', () => {
  const k1 = key();
  const k2 = key();

  it('encrypts with the current key, names it in the metadata, and decodes back to the same payload', async () => {
    const codec = new AesGcmPayloadCodec(ring(`k1:${k1}`));
    const plain = defaultPayloadConverter.toPayload(facts);
    const [encrypted] = await codec.encode([plain]);
    expect(meta(encrypted, 'encoding')).toBe(ENCRYPTED_ENCODING);
    expect(meta(encrypted, KEY_ID_METADATA)).toBe('k1');
    expect(meta(encrypted, 'encryption-cipher')).toBe(CIPHER);
    expect(text(encrypted)).not.toContain('家长外出务工');
    expect(text(encrypted)).not.toContain('GUARDIAN_REFUSES');
    expect(text(encrypted)).not.toContain('json/plain');

    const [decoded] = await codec.decode([encrypted]);
    expect(defaultPayloadConverter.fromPayload(decoded)).toEqual(facts);
    expect(meta(decoded, 'encoding')).toBe('json/plain');
  });

  it('uses a fresh nonce for every payload: the same value never encrypts the same way twice', async () => {
    const codec = new AesGcmPayloadCodec(ring(`k1:${k1}`));
    const plain = defaultPayloadConverter.toPayload(facts);
    const [a, b] = await codec.encode([plain, plain]);
    expect(Buffer.from(a.data!).equals(Buffer.from(b.data!))).toBe(false);
    expect(Buffer.from(a.data!).subarray(0, 12).equals(Buffer.from(b.data!).subarray(0, 12))).toBe(false);
  });

  it('refuses a payload whose ciphertext, nonce or tag was changed', async () => {
    const codec = new AesGcmPayloadCodec(ring(`k1:${k1}`));
    const [encrypted] = await codec.encode([defaultPayloadConverter.toPayload(facts)]);
    for (const at of [0, 13, Buffer.from(encrypted.data!).length - 1]) {
      const data = Buffer.from(encrypted.data!);
      data[at] ^= 0x01;
      await expect(codec.decode([{ ...encrypted, data }])).rejects.toThrow(PayloadDecryptionError);
    }
    await expect(codec.decode([{ ...encrypted, data: Buffer.from(encrypted.data!).subarray(0, 20) }])).rejects.toThrow(/too short/);
  });

  it('refuses a payload relabelled to another key id, even one it knows', async () => {
    const codec = new AesGcmPayloadCodec(ring(`k2:${k2},k1:${k1}`));
    const [encrypted] = await codec.encode([defaultPayloadConverter.toPayload(facts)]);
    const relabelled = { ...encrypted, metadata: { ...encrypted.metadata, [KEY_ID_METADATA]: Buffer.from('k1') } };
    await expect(codec.decode([relabelled])).rejects.toThrow(PayloadDecryptionError);
  });

  it('after a rotation, encrypts with the new key and still decodes what the old key encrypted', async () => {
    const before = new AesGcmPayloadCodec(ring(`k1:${k1}`));
    const [old] = await before.encode([defaultPayloadConverter.toPayload(facts)]);

    const after = new AesGcmPayloadCodec(ring(`k2:${k2},k1:${k1}`));
    const [fresh] = await after.encode([defaultPayloadConverter.toPayload(facts)]);
    expect(meta(fresh, KEY_ID_METADATA)).toBe('k2');
    const decoded = await after.decode([old, fresh]);
    expect(decoded.map((p) => defaultPayloadConverter.fromPayload(p))).toEqual([facts, facts]);
    // The old process cannot read the new key's payloads.
    await expect(before.decode([fresh])).rejects.toThrow(UnknownPayloadKeyError);
  });

  it('says clearly which key is missing when a payload names an unknown key id, without any key material', async () => {
    const [encrypted] = await new AesGcmPayloadCodec(ring(`k9:${k1}`)).encode([defaultPayloadConverter.toPayload(facts)]);
    const error: Error = await new AesGcmPayloadCodec(ring(`k2:${k2},k1:${k1}`)).decode([encrypted]).catch((e) => e);
    expect(error).toBeInstanceOf(UnknownPayloadKeyError);
    expect(error.message).toContain('"k9"');
    expect(error.message).toContain('k2 (current), k1');
    expect(error.message).toContain('BAOXUE_PAYLOAD_KEYS');
    expect(error.message).not.toContain(k1);
    expect(error.message).not.toContain(k2);
  });

  it('passes payloads that are not encrypted through on decode (data stored before encryption stay readable)', async () => {
    const codec = new AesGcmPayloadCodec(ring(`k1:${k1}`));
    const plain = defaultPayloadConverter.toPayload({ a: 1 });
    expect(await codec.decode([plain])).toEqual([plain]);
    expect(await codec.encode([])).toEqual([]);
  });
});

describe('failures', () => {
  it('are encrypted too: the data converter of the app moves message and stack into an encrypted payload', async () => {
    const converter = loadDataConverter(baoxueDataConverter(new AesGcmPayloadCodec(ring(`k1:${key()}`))));
    const refusal = ApplicationFailure.create({ type: 'ACTION_NOT_ALLOWED', message: '当前环节「家访」不允许「批准销号」', details: [{ reason: '家长外出务工' }], nonRetryable: true });
    const failure = await encodeErrorToFailure(converter, refusal);
    // Everything Temporal would store of it, bytes read as text.
    const stored: string[] = [];
    const walk = (v: unknown): void => {
      if (v instanceof Uint8Array) stored.push(Buffer.from(v).toString('utf8'));
      else if (typeof v === 'string') stored.push(v);
      else if (v && typeof v === 'object') Object.values(v).forEach(walk);
    };
    walk(failure);
    expect(failure.message).toBe('Encoded failure');
    expect(stored.join('\n')).not.toContain('家访');
    expect(stored.join('\n')).not.toContain('家长外出务工');
    expect(meta(failure.encodedAttributes!, 'encoding')).toBe(ENCRYPTED_ENCODING);
    expect(meta(failure.applicationFailureInfo!.details!.payloads![0], 'encoding')).toBe(ENCRYPTED_ENCODING);

    const back = (await decodeOptionalFailureToOptionalError(converter, failure)) as ApplicationFailure;
    expect(back).toBeInstanceOf(ApplicationFailure);
    expect(back.message).toBe('当前环节「家访」不允许「批准销号」');
    expect(back.type).toBe('ACTION_NOT_ALLOWED');
    expect(back.details).toEqual([{ reason: '家长外出务工' }]);
  });
});

describe('BAOXUE_PAYLOAD_KEYS', () => {
  it('takes id:base64 pairs, the first one current; url-safe base64 and spaces are fine', () => {
    const a = randomBytes(32);
    const b = randomBytes(32);
    const parsed = ring(` k2:${a.toString('base64url')} , k1:${b.toString('base64')} `);
    expect(parsed.currentKeyId).toBe('k2');
    expect([...parsed.keys.keys()]).toEqual(['k2', 'k1']);
    expect(parsed.keys.get('k2')!.equals(a)).toBe(true);
    expect(parsed.keys.get('k1')!.equals(b)).toBe(true);
  });

  it('lists every problem, naming entries and ids but never the key material', () => {
    const short = randomBytes(16).toString('base64');
    const { ring: parsed, problems } = parsePayloadKeys(`k1:${short},nocolon,bad id:${key()},k1:${key()},k3:not*base64`);
    expect(parsed).toBeUndefined();
    expect(problems).toEqual([
      'BAOXUE_PAYLOAD_KEYS: entry 1: key "k1" must be 32 bytes in base64 (openssl rand -base64 32), not 16 bytes',
      'BAOXUE_PAYLOAD_KEYS: entry 2 is not id:base64 (for example k1:<base64 of 32 random bytes>)',
      'BAOXUE_PAYLOAD_KEYS: entry 3: the key id must be 1-64 letters, digits, dot, dash or underscore, starting with a letter or digit',
      'BAOXUE_PAYLOAD_KEYS: entry 5: key "k3" must be 32 bytes in base64 (openssl rand -base64 32)',
    ]);
    expect(problems.join()).not.toContain(short);
  });

  it('is read by loadConfig, which fails fast on a bad value', () => {
    const k = key();
    expect(loadConfig({ BAOXUE_PAYLOAD_KEYS: `prod-2026:${k}` }).payloadKeys?.currentKeyId).toBe('prod-2026');
    expect(loadConfig({}).payloadKeys).toBeUndefined();
    expect(() => loadConfig({ BAOXUE_PAYLOAD_KEYS: 'k1:abc' })).toThrow(ConfigError);
    expect(() => loadConfig({ BAOXUE_PAYLOAD_KEYS: 'k1:abc' })).toThrow(/BAOXUE_PAYLOAD_KEYS: entry 1: key "k1" must be 32 bytes/);
  });
});

describe('the key file of the embedded default', () => {
  let dir: string;
  beforeEach(() => {
    dir = join(mkdtempSync(join(tmpdir(), 'baoxue-keys-')), 'data'); // the data folder does not exist yet
  });
  afterEach(() => rmSync(join(dir, '..'), { recursive: true, force: true }));

  it('is generated once, readable by its owner only, and reused afterwards', () => {
    const first = loadOrCreatePayloadKeyFile(dir, new Date('2026-03-01T08:00:00Z'));
    expect(first.created).toBe(true);
    expect(first.ring.currentKeyId).toBe('local-20260301');
    expect(statSync(payloadKeyFilePath(dir)).mode & 0o777).toBe(0o600);
    const second = loadOrCreatePayloadKeyFile(dir);
    expect(second.created).toBe(false);
    expect(second.ring.keys.get('local-20260301')!.equals(first.ring.keys.get('local-20260301')!)).toBe(true);
  });

  it('takes a rotation: a new key written as the first line becomes current, the old one still decodes', async () => {
    const { ring: old } = loadOrCreatePayloadKeyFile(dir);
    const [encrypted] = await new AesGcmPayloadCodec(old).encode([defaultPayloadConverter.toPayload(facts)]);
    const file = payloadKeyFilePath(dir);
    writeFileSync(file, `k-new:${key()}\n${readFileSync(file, 'utf8')}`);
    const rotated = readPayloadKeyFile(dir)!;
    expect(rotated.currentKeyId).toBe('k-new');
    expect(defaultPayloadConverter.fromPayload((await new AesGcmPayloadCodec(rotated).decode([encrypted]))[0])).toEqual(facts);
  });

  it('is refused when other users can read it', () => {
    loadOrCreatePayloadKeyFile(dir);
    chmodSync(payloadKeyFilePath(dir), 0o644);
    expect(() => readPayloadKeyFile(dir)).toThrow(/chmod 600/);
  });
});
