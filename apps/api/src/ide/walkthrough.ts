/**
 * The story the README walks through and the page at `/` preloads: a Samen Sterk peer network from its
 * start to the figures a municipality asks for. `{{startNetwork.id}}` and the like stand for the id
 * the named mutation answered last; the page fills them in, with curl you paste them yourself.
 */
export const WALKTHROUGH = `# Run the operations in order with the ▶ button (it asks which one).
# {{startNetwork.id}} and the like are filled in with the ids the earlier steps answered.

mutation StartNetwork {
  startNetwork(input: {
    name: "Samen Sterk Baarn-Noord"
    method: PEER_NETWORK
    municipality: "Baarn"
    purpose: "eenzaamheid bestrijden"
    funding: SUBSIDIE
    cadenceWeeks: 1
    startedOn: "2026-01-05"
  }) { id position }
}

mutation RegisterParticipant {
  registerParticipant(input: { displayName: "Ans de Vries", municipality: "Baarn", consentToEvaluation: true }) { id position }
}

mutation JoinNetwork {
  joinNetwork(input: {
    networkId: "{{startNetwork.id}}"
    participantId: "{{registerParticipant.id}}"
    role: PARTICIPANT
    joinedOn: "2026-01-05"
  }) { id position }
}

# Every member of that day is listed: attended, absent, excused (sent word) or presenceUnknown.
mutation RecordMeeting {
  recordMeeting(input: {
    networkId: "{{startNetwork.id}}"
    heldOn: "2026-01-12"
    activity: "samen koken"
    attended: ["{{registerParticipant.id}}"]
    absent: []
  }) { id position }
}

# Scaling down needs a frequency to scale down from.
mutation SetIndividualSupport {
  setIndividualSupport(input: { participantId: "{{registerParticipant.id}}", everyWeeks: 1, on: "2026-01-05" }) { id position }
}

mutation ScaleDownSupport {
  scaleDownSupport(input: {
    participantId: "{{registerParticipant.id}}"
    toEveryWeeks: 4
    reason: "het netwerk vangt veel op"
    on: "2026-03-02"
  }) { id position }
}

mutation ReferToBuddyProgramme {
  referToBuddyProgramme(input: {
    participantId: "{{registerParticipant.id}}"
    programme: "maatjesproject Humanitas"
    reason: "wil graag wekelijks wandelen"
    on: "2026-03-02"
  }) { id position }
}

# \`after\` waits until the read models hold your last write (read your own writes).
query NetworkGrowth {
  networkGrowth(networkId: "{{startNetwork.id}}", interval: MONTH, from: "2026-01-01", to: "2026-03-31", after: "{{position}}") {
    periodStart size joined left meetings attendanceRate
  }
}

query Summaries {
  scaleDownSummary(municipality: "Baarn", after: "{{position}}") { participantsWithSupport scaledDown contactsPerYearSaved }
  referralSummary(after: "{{position}}") { programme open matched medianDaysToMatch }
}
`;

/** The page's tabs: the walkthrough first, then who the token says you are. */
export const EXAMPLE_TABS = [
  { title: 'Walkthrough', query: WALKTHROUGH },
  { title: 'Me', query: '# Who the token says you are\nquery Me {\n  me { id name roles }\n}\n' },
  {
    title: 'Networks',
    query:
      '# Every network you may see, with its members\nquery Networks {\n  networks { id name method municipality members { participantId role } }\n}\n',
  },
];
