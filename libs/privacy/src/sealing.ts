/**
 * The stored format of personal data, version 1 (`ks1`). Every piece of personal text is sealed with
 * AES-256-GCM under a key of its own data subject, so destroying that one key erases it in every copy
 * (the log, read models, replays, backups) at once: crypto-shredding.
 *
 *   sealed:  ks1.<subject>.<iv>.<ciphertext+tag>   (base64url parts; subject and format are the AAD)
 *   erased:  ks1.<subject>.erased                  (stored when the subject was already forgotten)
 *   hash:    kh1.<HMAC-SHA256(search key of the subject, normalised text)>
 *
 * A later format gets a new prefix; readers keep opening the older ones, so nothing stored is rewritten.
 */
import { createCipheriv, createDecipheriv, createHmac, hkdfSync, randomBytes } from 'node:crypto';
import { FORGOTTEN, normaliseTopic, Sealed, SearchHash } from '@kring/domain';

const FORMAT = 'ks1';
const HASH_FORMAT = 'kh1';
const ERASED = 'erased';
const IV_BYTES = 12;
const TAG_BYTES = 16;
export const KEY_BYTES = 32;

const b64 = (bytes: Uint8Array): string => Buffer.from(bytes).toString('base64url');
const unb64 = (text: string): Buffer => Buffer.from(text, 'base64url');

export class NotSealedError extends Error {
  constructor(what: string) {
    super(`${what} is not sealed personal data (${FORMAT}): it was stored outside the sealing path`);
    this.name = 'NotSealedError';
  }
}

export const newSubjectKey = (): Buffer => randomBytes(KEY_BYTES);

export function isSealed(value: unknown): value is Sealed {
  return typeof value === 'string' && value.startsWith(`${FORMAT}.`);
}

/** The data subject a sealed value belongs to (whose key opens it). */
export function subjectOf(sealed: Sealed): string {
  const [format, subject] = sealed.split('.');
  if (format !== FORMAT || subject === undefined) throw new NotSealedError('a value');
  return unb64(subject).toString('utf8');
}

const aad = (subjectId: string): Buffer => Buffer.from(`${FORMAT}/${subjectId}`, 'utf8');

/** IVs drawn per fill of the pool: 3 KB of the CSPRNG at once. */
const IVS_PER_FILL = 256;
let ivPool = Buffer.alloc(0);
let ivTaken = 0;

/**
 * A fresh random IV, never handed out twice: taken from a pool the CSPRNG fills 256 IVs at a time. A call
 * for 12 bytes per seal (randomBytes) took 3 µs in a loop and 17 µs per recordMeeting in the API's CPU
 * profile under bench:commands' load, more than the cipher; a fill of 256 costs about what one call does.
 */
function nextIv(): Buffer {
  if (ivTaken + IV_BYTES > ivPool.length) {
    ivPool = randomBytes(IV_BYTES * IVS_PER_FILL);
    ivTaken = 0;
  }
  ivTaken += IV_BYTES;
  return ivPool.subarray(ivTaken - IV_BYTES, ivTaken);
}

export function seal(key: Buffer, subjectId: string, text: string): Sealed {
  const iv = nextIv();
  const cipher = createCipheriv('aes-256-gcm', key, iv).setAAD(aad(subjectId));
  const body = Buffer.concat([cipher.update(text, 'utf8'), cipher.final(), cipher.getAuthTag()]);
  return `${FORMAT}.${b64(Buffer.from(subjectId, 'utf8'))}.${b64(iv)}.${b64(body)}` as Sealed;
}

/** What is stored in place of text for a subject whose key is already destroyed: the text is never written. */
export function erased(subjectId: string): Sealed {
  return `${FORMAT}.${b64(Buffer.from(subjectId, 'utf8'))}.${ERASED}` as Sealed;
}

/** The text, or FORGOTTEN when the subject's key is gone (`key` null) or the value was stored erased. */
export function open(key: Buffer | null, sealed: Sealed): string {
  const parts = sealed.split('.');
  if (parts[0] !== FORMAT || (parts.length !== 4 && !(parts.length === 3 && parts[2] === ERASED))) throw new NotSealedError('a value');
  if (parts.length === 3 || key === null) return FORGOTTEN;
  const subjectId = unb64(parts[1]).toString('utf8');
  const body = unb64(parts[3]);
  const decipher = createDecipheriv('aes-256-gcm', key, unb64(parts[2])).setAAD(aad(subjectId));
  decipher.setAuthTag(body.subarray(body.length - TAG_BYTES));
  return Buffer.concat([decipher.update(body.subarray(0, body.length - TAG_BYTES)), decipher.final()]).toString('utf8');
}

/** A topic's hash under its subject's search key: equal topics of one person match, nobody else's do. */
export function searchHash(key: Buffer, text: string): SearchHash {
  const searchKey = Buffer.from(hkdfSync('sha256', key, Buffer.alloc(0), 'kring search v1', KEY_BYTES));
  return `${HASH_FORMAT}.${createHmac('sha256', searchKey).update(normaliseTopic(text), 'utf8').digest('base64url')}` as SearchHash;
}
