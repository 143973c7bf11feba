/**
 * `holdfast playbooks new <id>`: a playbook file that passes the check, and a tabletop scenario whose main
 * script walks it to closure, as a start to edit. `today` dates the release and the exercise.
 */
export function scaffold(id: string, today: string): { playbook: string; scenario: string } {
  const playbook = `# ${id}: a new playbook. Edit it, then: holdfast playbooks check ${id}.playbook.yaml
format: holdfast.playbook/v1
id: ${id}
version: 1
title: ${id}
summary: What happened, and the response in one paragraph.
sources: [Policy default]
releasedAt: "${today}T00:00:00Z"
roles: [incident_commander, technical_lead]
severity: medium
description: The response as parallel tracks.
meta: { owner: incident_commander, source: Policy default }
evidenceRoles: [technical_lead]
shared:
  command:
    declareWithin: declarationDue
    criteria: When this playbook applies.
    source: Policy default
deadlines:
  declarationDue: { label: Declaration due, after: 1h, from: opening, source: Policy default }
  containDue: { label: Contained, after: 4h, source: Policy default }
events:
  threat.contained:
    title: Threat contained
    description: What was done to stop it.
    roles: [technical_lead]
    payload: { how: { type: text, max: 500 } }
    examples: [{ how: Blocked the source. }]
  recovery.decided:
    title: Recovery decided
    description: How the service comes back.
    roles: [incident_commander]
    payload:
      option: { type: enum, values: [restore, rebuild] }
      rationale: rationale
    examples: [{ option: restore, rationale: The backup is clean. }]
tracks:
  response:
    description: Contain, then decide on recovery.
    owner: technical_lead
    steps:
      contain:
        description: Contain the threat.
        owner: technical_lead
        deadlines: [containDue]
        on: { threat.contained: decide }
      decide:
        description: Decide how to recover.
        owner: incident_commander
        on:
          recovery.decided:
            - { to: recovered, when: { optionIs: restore }, decision: recovery }
            - { to: recovered, when: { optionIs: rebuild }, decision: recovery }
      recovered: { done: true, description: Recovered., owner: technical_lead }
example:
  openedAt: "${today}T09:00:00Z"
  input: { organisation: { name: Example Ltd } }
`;
  const scenario = `# A tabletop scenario for ${id}: holdfast playbooks test ${id}.playbook.yaml --scenario ${id}.scenario.yaml
apiVersion: tabletop/v1
kind: Scenario
metadata:
  id: ${id}-drill
  title: A first exercise of ${id}
  basedOn: []
  playbook: ${id}
  tlp: CLEAR
  version: 1
exercise:
  type: tabletop
  missionAreas: [Response]
  threatHazard: What happens in this exercise
  scope: From the first alert to recovery
  assumptions: [No-fault environment; not a test of individuals]
clock:
  start: "${today}T09:00:00Z"
  timeZone: UTC
  end: P1D
incident:
  title: ${id} exercise
  severity: medium
  input: { organisation: { name: Example Ltd } }
roles:
  - { id: ic, playbookRole: incident_commander, name: Incident commander }
  - { id: tech, playbookRole: technical_lead, name: Technical lead }
  - { id: sim, kind: simcell, name: Simulation cell }
objectives:
  - id: OBJ1
    text: Contain within 4 hours and decide on recovery
    coreCapabilities: [Cybersecurity]
    csf: [RS.MI-01]
modules:
  - id: M1
    title: The alert
    discussionQuestions: [Who is told first?]
injects:
  - id: I1
    module: M1
    at: PT0M
    channel: internal
    from: sim.monitoring
    to: [tech]
    content: Monitoring raises the alert.
    expected:
      - id: E1.1
        description: The threat contained within 4 h
        match: { event: threat.contained }
        due: PT4H
        weight: 2
        objectives: [OBJ1]
script:
  - { at: PT10M, as: ic, event: incident.declared, payload: { rationale: The alert is confirmed. } }
  - { at: PT1H, as: tech, event: threat.contained, payload: { how: Blocked the source. } }
  - { at: PT2H, as: ic, event: recovery.decided, payload: { option: restore, rationale: The backup is clean. } }
  - { at: PT3H, as: ic, event: incident.closed, payload: { rationale: Contained and recovered. } }
`;
  return { playbook, scenario };
}
