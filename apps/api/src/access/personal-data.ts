import { Injectable } from '@nestjs/common';
import { FORGOTTEN, Sealed } from '@kring/domain';
import { PersonalDataCipher } from '@kring/privacy';
import { callerOf } from '../auth/caller';
import { PERSONAL_DATA_READERS } from '../authorization/access-rules';
import { AccessRecorder } from './access-recorder';

/**
 * The one way personal data leaves Kring: opened only for a caller whose role may see it, and only
 * after the read is in the access log. An evaluator or auditor gets null; a forgotten person's data
 * reads as "[vergeten]" (and that is no read of anything).
 */
@Injectable()
export class PersonalData {
  constructor(
    private readonly cipher: PersonalDataCipher,
    private readonly access: AccessRecorder,
  ) {}

  mayReveal(request: object): boolean {
    return callerOf(request).actor.roles.some((role) => PERSONAL_DATA_READERS.includes(role));
  }

  /**
   * The texts of one read of a person's data (`read` says whose and which), in order; null for a caller
   * who may not see them. The read is logged once, with or without texts, unless all of them are forgotten.
   */
  async reveal(
    request: object,
    read: { subjectId: string; what: string },
    values: ReadonlyArray<Sealed | null>,
  ): Promise<Array<string | null>> {
    if (!this.mayReveal(request)) return values.map(() => null);
    const sealed = values.filter((value): value is Sealed => value !== null);
    const opened = await this.cipher.openValues(sealed);
    if (opened.length === 0 || opened.some((text) => text !== FORGOTTEN)) await this.access.reading(request, read);
    let next = 0;
    return values.map((value) => (value === null ? null : opened[next++]));
  }
}
