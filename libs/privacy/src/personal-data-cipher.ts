import { PersonalData, Sealed, SEARCHABLE_FIELDS, SearchHash, StoredPersonal } from '@kring/domain';
import type { SubjectKeyStore } from './key-store';
import { erased, isSealed, NotSealedError, open, seal, searchHash, subjectOf } from './sealing';

type Text = string | Readonly<Record<string, string>> | undefined;
type StoredText = Sealed | Readonly<Record<string, Sealed>> | SearchHash | undefined;

const HASH_FIELDS: ReadonlySet<string> = new Set(SEARCHABLE_FIELDS.map((field) => `${field}Hash`));
const SEARCHABLE: ReadonlySet<string> = new Set(SEARCHABLE_FIELDS);

/**
 * Seals the `personal` section of events before they are stored, and opens it again for deciders and
 * for permitted readers. Every text is sealed for the section's subject; a searchable field (a topic)
 * also gets its search hash. A subject whose key is already destroyed gets nothing stored but the
 * erased marker, so no text about a forgotten person is ever written, not even by a later command.
 */
export class PersonalDataCipher {
  constructor(readonly keys: SubjectKeyStore) {}

  async seal<P extends PersonalData>(sections: readonly P[]): Promise<Array<StoredPersonal<P>>> {
    const keys = await this.keys.keys(
      sections.map((s) => s.subjectId),
      { create: true },
    );
    return sections.map((section) => {
      const key = keys.get(section.subjectId) ?? null;
      const sealText = (text: string) => (key ? seal(key, section.subjectId, text) : erased(section.subjectId));
      const stored: Record<string, unknown> = { subjectId: section.subjectId };
      for (const [field, value] of Object.entries(section) as Array<[string, Text]>) {
        if (field === 'subjectId' || value === undefined) continue;
        if (typeof value === 'string') {
          stored[field] = sealText(value);
          if (SEARCHABLE.has(field) && key) stored[`${field}Hash`] = searchHash(key, value);
        } else if (typeof value === 'object' && value !== null && Object.values(value).every((v) => typeof v === 'string')) {
          stored[field] = Object.fromEntries(Object.entries(value).map(([k, v]) => [k, sealText(v)]));
        } else {
          throw new TypeError(`personal data holds text only; ${field} is not text`);
        }
      }
      return stored as StoredPersonal<P>;
    });
  }

  /** The plain sections again (FORGOTTEN in place of every text of a forgotten subject); search hashes are dropped. */
  async open<P extends PersonalData>(sections: ReadonlyArray<StoredPersonal<P>>): Promise<P[]> {
    const keys = await this.keys.keys(
      sections.map((s) => (s as PersonalData).subjectId),
      { create: false },
    );
    return sections.map((section) => {
      const { subjectId } = section as PersonalData;
      const key = keys.get(subjectId) ?? null;
      const plain: Record<string, unknown> = { subjectId };
      for (const [field, value] of Object.entries(section) as Array<[string, StoredText]>) {
        if (field === 'subjectId' || HASH_FIELDS.has(field) || value === undefined) continue;
        if (isSealed(value)) plain[field] = open(key, value);
        else if (typeof value === 'object' && value !== null)
          plain[field] = Object.fromEntries(Object.entries(value).map(([k, v]) => [k, open(key, sealedOrThrow(v, field))]));
        else throw new NotSealedError(`personal field ${field}`);
      }
      return plain as P;
    });
  }

  /** Opens single values (a name, a reason in a read model): FORGOTTEN for a forgotten subject. */
  async openValues(values: readonly Sealed[]): Promise<string[]> {
    const keys = await this.keys.keys(values.map(subjectOf), { create: false });
    return values.map((value) => open(keys.get(subjectOf(value)) ?? null, value));
  }

  /** The hash a topic of this subject is filed under; undefined once the subject is forgotten (or has no key). */
  async searchHash(subjectId: string, text: string): Promise<SearchHash | undefined> {
    const key = (await this.keys.keys([subjectId], { create: false })).get(subjectId);
    return key ? searchHash(key, text) : undefined;
  }
}

function sealedOrThrow(value: unknown, field: string): Sealed {
  if (!isSealed(value)) throw new NotSealedError(`personal field ${field}`);
  return value;
}
