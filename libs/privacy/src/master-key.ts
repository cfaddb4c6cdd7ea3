/**
 * The key that wraps every data subject's key where it is stored (key-encryption key): a copy of the
 * database alone (a dump, a backup) opens no personal data. From KRING_MASTER_KEY, or in development a
 * random one kept beside the embedded store, as the development auth secret is.
 */
import { createCipheriv, createDecipheriv, createHmac, hkdfSync, randomBytes } from 'node:crypto';
import { devSecret } from './dev-secret';
import { KEY_BYTES } from './sealing';

const MIN_SECRET_LENGTH = 32;
const IV_BYTES = 12;
const TAG_BYTES = 16;

export class MasterKey {
  private readonly key: Buffer;

  constructor(
    secret: string,
    /** Where the secret came from, for messages. */
    readonly source: string,
  ) {
    if (secret.length < MIN_SECRET_LENGTH) throw new Error(`${source} must be at least ${MIN_SECRET_LENGTH} characters`);
    this.key = Buffer.from(hkdfSync('sha256', secret, 'kring', 'kring master key v1', KEY_BYTES));
  }

  /** A key for one other use (say, fingerprints of requests), derived so that it reveals nothing of this one. */
  derive(use: string): Buffer {
    return Buffer.from(hkdfSync('sha256', this.key, 'kring', `kring ${use}`, KEY_BYTES));
  }

  /** Identifies this master key without revealing it: a store remembers it, so a wrong key is refused at start. */
  fingerprint(): Buffer {
    return createHmac('sha256', this.key).update('kring master key check v1').digest();
  }

  wrap(subjectId: string, subjectKey: Buffer): Buffer {
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv('aes-256-gcm', this.key, iv).setAAD(Buffer.from(`kring-key/${subjectId}`));
    return Buffer.concat([iv, cipher.update(subjectKey), cipher.final(), cipher.getAuthTag()]);
  }

  unwrap(subjectId: string, wrapped: Uint8Array): Buffer {
    const bytes = Buffer.from(wrapped);
    const decipher = createDecipheriv('aes-256-gcm', this.key, bytes.subarray(0, IV_BYTES)).setAAD(Buffer.from(`kring-key/${subjectId}`));
    decipher.setAuthTag(bytes.subarray(bytes.length - TAG_BYTES));
    return Buffer.concat([decipher.update(bytes.subarray(IV_BYTES, bytes.length - TAG_BYTES)), decipher.final()]);
  }
}

export function masterKeyFromEnv(env: NodeJS.ProcessEnv = process.env): MasterKey {
  if (env.KRING_MASTER_KEY) return new MasterKey(env.KRING_MASTER_KEY, 'KRING_MASTER_KEY');
  if (env.NODE_ENV === 'production') {
    throw new Error('Set KRING_MASTER_KEY (32 characters or more) in production: it protects the keys of all personal data');
  }
  const { secret, file } = devSecret('dev-master-key', env);
  return new MasterKey(secret, file);
}
