/** Inputs the end-to-end suites send again and again: a network's charter and a participant. */
export const networkCharter = (method: string, extra: Record<string, unknown> = {}) => ({
  name: `Kring ${method}`,
  method,
  municipality: 'Baarn',
  purpose: 'eenzaamheid bestrijden',
  funding: 'SUBSIDIE',
  cadenceWeeks: 1,
  startedOn: '2024-01-01',
  ...extra,
});

export const newParticipant = (displayName: string, municipality = 'Baarn') => ({ displayName, municipality, consentToEvaluation: true });
