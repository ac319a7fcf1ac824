import { loadPolicy } from '../../src/policy/load-policy';
import { parseDuration, policyProblems } from '../../src/workflows/policy';
import { writeFileSync, mkdtempSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';

describe('durations', () => {
  it.each([
    ['3d', 3 * 86_400_000],
    ['15d', 15 * 86_400_000],
    ['36h', 36 * 3_600_000],
    ['5s', 5_000],
    ['30m', 1_800_000],
    ['1d12h', 36 * 3_600_000],
    ['0s', 0],
  ])('reads %s as %d ms', (text, ms) => {
    expect(parseDuration(text)).toBe(ms);
  });

  it.each(['', '3', 'd3', '3 days', '-1d', '1.5d', '3w'])('refuses %p with a message that shows how to write one', (text) => {
    expect(() => parseDuration(text)).toThrow(/write it like 3d, 15d, 36h/);
  });
});

describe('the default policy', () => {
  const policy = loadPolicy();

  it('is valid and carries the windows of DOMAIN.md', () => {
    expect(policy.version).toBe('guling-2026.1');
    expect(policy.stages.HOME_VISIT).toMatchObject({ requiredAction: 'RECORD_HOME_VISIT', due: '3d', window: '3d', onWindowEnd: 'PERSUASION' });
    expect(policy.stages.PERSUASION).toMatchObject({ window: '15d', onWindowEnd: 'TOWN_CRITICISM' });
    expect(policy.stages.TOWN_CRITICISM).toMatchObject({ requiredAction: 'ISSUE_CORRECTION_ORDER', due: '5d', legalGate: true });
    expect(policy.stages.CORRECTION_DEADLINE).toMatchObject({ window: '15d', onWindowEnd: 'JUDICIAL_DOCUMENT' });
    expect(policy.stages.JUDICIAL_DOCUMENT).toMatchObject({ due: '7d', window: '15d', windowStarts: 'AFTER_REQUIRED_ACTION', onWindowEnd: 'LEGAL_LIABILITY' });
    expect(policy.stages.RETURNED).toMatchObject({ followUp: '30d', closureNeedsApproval: true });
    expect(policy.escalation.reminderBefore).toBe('1d');
  });

  it('counts calendar days and holds poverty cases for pending education aid (support before sanction)', () => {
    expect(policy).toMatchObject({ calendar: 'CALENDAR', supportBeforeSanction: true });
  });

  it('keeps the 2023 policy as it was: calendar days and no gate, for the cases that run on it', () => {
    const old = loadPolicy(join(__dirname, '..', '..', 'policies', 'guling-2023.1.json'));
    expect(old.version).toBe('guling-2023.1');
    expect(old.calendar).toBeUndefined();
    expect(old.supportBeforeSanction).toBeUndefined();
  });
});

describe('policy validation', () => {
  const valid = () => JSON.parse(JSON.stringify(loadPolicy()));

  it('refuses a legal gate that could be crossed automatically', () => {
    const p = valid();
    p.stages.TOWN_CRITICISM.window = '5d';
    p.stages.TOWN_CRITICISM.onWindowEnd = 'CORRECTION_DEADLINE';
    expect(policyProblems(p)).toContain('stages.TOWN_CRITICISM: a legal gate is never crossed automatically, so it takes no window or onWindowEnd');
  });

  it('refuses a window that moves backwards, a bad duration and an unknown stage, naming each path', () => {
    const p = valid();
    p.stages.PERSUASION.onWindowEnd = 'HOME_VISIT';
    p.stages.HOME_VISIT.due = 'three days';
    p.stages.SUMMER = { responsible: ['X'] };
    expect(policyProblems(p)).toEqual(
      expect.arrayContaining([
        'stages.PERSUASION.onWindowEnd: must move forward along the chain',
        'stages.HOME_VISIT.due: "three days" is not a duration (3d, 15d, 36h, 5s)',
        'stages.SUMMER: not a stage of the chain',
      ]),
    );
  });

  it('refuses an unknown day count, globally or per stage, and a support switch that is not true or false', () => {
    const p = valid();
    p.calendar = 'LUNAR';
    p.stages.TOWN_CRITICISM.calendar = 'workdays';
    p.supportBeforeSanction = 'yes';
    expect(policyProblems(p)).toEqual(
      expect.arrayContaining([
        'calendar: "LUNAR" is not a day count; write CALENDAR or WORKING',
        'stages.TOWN_CRITICISM.calendar: "workdays" is not a day count; write CALENDAR or WORKING',
        'supportBeforeSanction: true or false',
      ]),
    );
    p.calendar = 'WORKING';
    p.stages.TOWN_CRITICISM.calendar = 'CALENDAR';
    p.supportBeforeSanction = false;
    expect(policyProblems(p)).toEqual([]);
  });

  it('refuses a file without a version, and loadPolicy lists every problem', () => {
    const p = valid();
    delete p.version;
    const dir = mkdtempSync(join(tmpdir(), 'baoxue-policy-'));
    const file = join(dir, 'policy.json');
    writeFileSync(file, JSON.stringify(p));
    expect(() => loadPolicy(file)).toThrow(/version: required/);
    expect(() => loadPolicy(join(dir, 'missing.json'))).toThrow(/cannot read the escalation policy/);
  });
});
