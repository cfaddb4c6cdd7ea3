/**
 * Personal data as it is stored: sealed per data subject (crypto-shredding). Deciders work with the
 * plain text of a domain event's `personal`; the log, the read models and everything derived from
 * them hold only `Sealed` values, which libs/privacy opens for a permitted reader, and which read as
 * FORGOTTEN once the subject's key is destroyed. The types here let the compiler keep the two apart.
 */
import type { PersonalData } from './decider';

/** Ciphertext of one piece of personal text, bound to its data subject (format: libs/privacy/src/sealing.ts). */
export type Sealed = string & { readonly __sealed: unique symbol };

/** A keyed hash of normalised text, keyed per data subject: finds a topic without storing it. */
export type SearchHash = string & { readonly __searchHash: unique symbol };

/** What sealed personal data reads as once its subject was forgotten. */
export const FORGOTTEN = '[vergeten]';

/** Fields of `personal` that are also stored as a search hash beside their ciphertext, as `<field>Hash`. */
export const SEARCHABLE_FIELDS = ['topic'] as const;

/** One topic however it is typed: "Schulden " and "schulden" are the same topic. */
export const normaliseTopic = (topic: string): string => topic.normalize('NFC').trim().replace(/\s+/g, ' ').toLowerCase();

type SealedValue<V> = V extends string ? Sealed : V extends Readonly<Record<string, string>> ? Record<string, Sealed> : V;

/** The stored form of a domain event's `personal`: every text sealed, searchable fields hashed beside it. */
export type StoredPersonal<P> = P extends PersonalData
  ? { [K in keyof P]: K extends 'subjectId' ? P[K] : SealedValue<P[K]> } & (P extends { topic?: string }
      ? { /** Absent when the subject was forgotten before this was stored. */ topicHash?: SearchHash }
      : unknown)
  : P;
