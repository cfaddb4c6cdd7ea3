import { FORGOTTEN, normaliseTopic, PersonalData, StoredPersonal } from '@kring/domain';
import type { SubjectKeyStore } from './key-store';
import { MasterKey } from './master-key';
import { PersonalDataCipher } from './personal-data-cipher';
import { erased, isSealed, newSubjectKey, NotSealedError, open, seal, searchHash, subjectOf } from './sealing';

describe('sealing personal text (ks1)', () => {
  const key = newSubjectKey();

  it('seals text for its subject so that only that key opens it, and says whose it is', () => {
    const sealed = seal(key, 'p-1', 'Monique de Vries');
    expect(sealed).toMatch(/^ks1\.[\w-]+\.[\w-]+\.[\w-]+$/);
    expect(sealed).not.toContain('Monique');
    expect(isSealed(sealed)).toBe(true);
    expect(subjectOf(sealed)).toBe('p-1');
    expect(open(key, sealed)).toBe('Monique de Vries');
    expect(() => open(newSubjectKey(), sealed)).toThrow();
  });

  it('gives every seal an IV of its own, across many fills of the IV pool, and each still opens', () => {
    const sealed = Array.from({ length: 1000 }, (_, i) => seal(key, 'p-1', `tekst ${i}`));
    const ivs = sealed.map((value) => value.split('.')[2]);
    expect(new Set(ivs).size).toBe(1000);
    expect(ivs.every((iv) => Buffer.from(iv, 'base64url').length === 12)).toBe(true);
    expect(sealed.map((value) => open(key, value))).toEqual(Array.from({ length: 1000 }, (_, i) => `tekst ${i}`));
  });

  it('binds the ciphertext to its subject: moved to another subject, it no longer opens', () => {
    const [format, , iv, body] = seal(key, 'p-1', 'schulden').split('.');
    const moved = [format, Buffer.from('p-2').toString('base64url'), iv, body].join('.') as ReturnType<typeof seal>;
    expect(() => open(key, moved)).toThrow();
  });

  it('reads as forgotten once the key is gone, and stores nothing but the marker for a forgotten subject', () => {
    expect(open(null, seal(key, 'p-1', 'Monique'))).toBe(FORGOTTEN);
    expect(open(key, erased('p-1'))).toBe(FORGOTTEN);
    expect(subjectOf(erased('p-1'))).toBe('p-1');
  });

  it('refuses to open what was not sealed', () => {
    expect(() => open(key, 'Monique' as never)).toThrow(NotSealedError);
    expect(() => open(key, 'ks1.x.y' as never)).toThrow(NotSealedError);
  });

  it('hashes a topic per subject key: the same topic however typed matches, nothing else does', () => {
    expect(searchHash(key, ' Schulden ')).toBe(searchHash(key, 'schulden'));
    expect(normaliseTopic('  Geld   Zorgen ')).toBe('geld zorgen');
    expect(searchHash(key, 'schulden')).not.toBe(searchHash(key, 'verslaving'));
    expect(searchHash(newSubjectKey(), 'schulden')).not.toBe(searchHash(key, 'schulden'));
    expect(searchHash(key, 'schulden')).not.toContain('schulden');
  });
});

describe('the master key', () => {
  it('wraps a subject key so that only it, for that subject, unwraps it; its fingerprint names it without revealing it', () => {
    const master = new MasterKey('a master secret of at least thirty-two characters', 'test');
    const subjectKey = newSubjectKey();
    const wrapped = master.wrap('p-1', subjectKey);
    expect(master.unwrap('p-1', wrapped)).toEqual(subjectKey);
    expect(() => master.unwrap('p-2', wrapped)).toThrow();
    expect(() => new MasterKey('another master secret of thirty-two characters!', 'test').unwrap('p-1', wrapped)).toThrow();
    expect(master.fingerprint()).toEqual(new MasterKey('a master secret of at least thirty-two characters', 'x').fingerprint());
    expect(() => new MasterKey('too short', 'KRING_MASTER_KEY')).toThrow(/KRING_MASTER_KEY must be at least 32 characters/);
  });
});

/** Keys in a Map: the cipher's own logic, without a database (the SQL key store has its own suite on both stores). */
function keysInMemory(): SubjectKeyStore & { destroyed: Set<string> } {
  const keys = new Map<string, Buffer>();
  const destroyed = new Set<string>();
  return {
    destroyed,
    async keys(ids, { create }) {
      return new Map(
        ids.map((id) => {
          if (destroyed.has(id)) return [id, null];
          if (!keys.has(id) && create) keys.set(id, newSubjectKey());
          return [id, keys.get(id) ?? null];
        }),
      );
    },
    async destroy(id) {
      keys.delete(id);
      destroyed.add(id);
    },
    async close() {},
  };
}

describe('the personal data cipher', () => {
  type Shared = PersonalData & { topic: string; tasks?: Record<string, string> };

  it('seals every text of a personal section, hashes its topic, and opens it again', async () => {
    const cipher = new PersonalDataCipher(keysInMemory());
    const [stored] = await cipher.seal<Shared>([{ subjectId: 'p-1', topic: 'Schulden', tasks: { a: 'post', b: 'koken' } }]);
    expect(stored.subjectId).toBe('p-1');
    expect(isSealed(stored.topic)).toBe(true);
    expect(Object.values(stored.tasks!).every(isSealed)).toBe(true);
    expect(stored.topicHash).toBe(await cipher.searchHash('p-1', 'schulden'));
    expect(JSON.stringify(stored)).not.toMatch(/Schulden|post|koken/);
    expect(await cipher.open<Shared>([stored])).toEqual([{ subjectId: 'p-1', topic: 'Schulden', tasks: { a: 'post', b: 'koken' } }]);
  });

  it('after the key is destroyed: everything reads as forgotten, nothing new is stored readable, and no topic can be found', async () => {
    const keys = keysInMemory();
    const cipher = new PersonalDataCipher(keys);
    const [before] = await cipher.seal<Shared>([{ subjectId: 'p-1', topic: 'schulden' }]);
    await keys.destroy('p-1');
    expect(await cipher.open<Shared>([before])).toEqual([{ subjectId: 'p-1', topic: FORGOTTEN }]);
    const [after] = await cipher.seal<Shared>([{ subjectId: 'p-1', topic: 'schulden' }]);
    expect(after).toEqual({ subjectId: 'p-1', topic: erased('p-1') });
    expect(await cipher.searchHash('p-1', 'schulden')).toBeUndefined();
    expect(await cipher.openValues([before.topic, after.topic])).toEqual([FORGOTTEN, FORGOTTEN]);
  });

  it('refuses personal data that is not text, and stored personal data that is not sealed', async () => {
    const cipher = new PersonalDataCipher(keysInMemory());
    await expect(cipher.seal([{ subjectId: 'p', score: 3 } as unknown as PersonalData])).rejects.toThrow(/text only/);
    await expect(cipher.open([{ subjectId: 'p', reason: 'plain' } as unknown as StoredPersonal<PersonalData>])).rejects.toThrow(
      NotSealedError,
    );
  });
});
