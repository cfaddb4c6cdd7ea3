/**
 * Where each data subject's key lives: the one port crypto-shredding needs. The default keeps them,
 * wrapped by the master key, in a table beside the log (SqlKeyStore); a KMS can take its place.
 */
export interface SubjectKeyStore {
  /**
   * The key of each subject: a Buffer, or null once it was destroyed. With `create`, a subject without
   * a key gets one; without it, a subject that never had one answers null too (nothing of theirs is sealed).
   */
  keys(subjectIds: readonly string[], options: { create: boolean }): Promise<Map<string, Buffer | null>>;
  /** Destroys the subject's key for good: everything sealed for them reads as forgotten from now on, everywhere. */
  destroy(subjectId: string): Promise<void>;
  close(): Promise<void>;
}
