/**
 * The HTTP layer: the real Nest application set up by configureApp, a real PostgreSQL, and an
 * in-memory engine. What a caseworker's client sees: validation with field messages, the one
 * error shape, 404/409 mapping, one open case per child, Swagger. Requests are the coordinator's
 * (who reads and acts on every case); who may do what is test/e2e/permission-matrix.test.ts.
 */
import request from 'supertest';
import { createActivities } from '../../src/activities';
import { ActionRefusedError, CaseEndedError, EngineUnavailableError } from '../../src/api/case-engine.port';
import { ERROR_CODES } from '../../src/api/errors';
import { chinaDay } from '../../src/api/cases/act-on-case/action-dates';
import { ACTION_TYPES } from '../../src/workflows/vocabulary';
import { createTestApi, TestApi } from '../support/api-app';
import { as, AsUser } from '../support/auth';
import { event, snapshot, validIdNumber } from '../support/fixtures';
import { createTestDatabase, TestDatabase } from '../support/test-database';

let db: TestDatabase;
let api: TestApi;
let coordinator: AsUser;

beforeAll(async () => {
  db = await createTestDatabase();
  api = await createTestApi({ dataSource: db.dataSource });
  coordinator = await as(api.server, 'coordinator');
});

afterAll(async () => {
  await api?.close();
  await db?.drop();
});

afterEach(() => {
  api.engine.refuseWith = undefined;
  api.engine.failNextStart = undefined;
  api.engine.healthy = { ok: true };
});

/** How the coordinator's events are signed. */
const COORDINATOR = '谭巧玲（coordinator）';

function reportBody(child: Record<string, unknown> = {}, rest: Record<string, unknown> = {}) {
  return {
    child: {
      name: '王小明',
      idNumber: validIdNumber('2012-03-15', 'M'),
      school: '故陵小学',
      grade: 5,
      className: '五年级二班',
      area: '高坪村',
      guardians: [{ name: '王大山', phone: '13800000000', relation: '父亲' }],
      ...child,
    },
    cause: 'POVERTY',
    note: '开学两周未到校',
    ...rest,
  };
}

async function report(body: object = reportBody()) {
  const res = await coordinator.post('/api/cases').send(body);
  expect(res.status).toBe(201);
  return res.body as { id: string; child: { id: string; idNumber: string } };
}

/** Every error answers the same shape, with no stack trace. */
function expectErrorShape(body: Record<string, unknown>, status: number, code: string) {
  expect(body).toMatchObject({ statusCode: status, code, message: expect.any(String), messageEn: expect.any(String), path: expect.any(String) });
  expect(new Date(body.timestamp as string).toString()).not.toBe('Invalid Date');
  expect(Object.keys(body).sort()).toEqual(
    ['statusCode', 'code', 'message', 'messageEn', 'path', 'timestamp', ...('details' in body ? ['details'] : [])].sort(),
  );
  expect(JSON.stringify(body)).not.toMatch(/\bat .*\.(ts|js):\d+/);
  expect(ERROR_CODES).toContain(code);
}

function fields(body: { details?: { fields?: Array<{ field: string; constraint: string; message: string }> } }) {
  return body.details?.fields ?? [];
}

describe('POST /api/cases', () => {
  it('opens a case: 201, codes stored for names, birth date and sex taken from the ID number', async () => {
    const idNumber = validIdNumber('2013-08-22', 'F');
    const res = await coordinator
      .post('/api/cases')
      .send(reportBody({ idNumber, name: '李小花', area: 'gaoping', school: '故陵小学', grade: 3 }))
      .expect(201);

    expect(res.headers.location).toBe(`/api/cases/${res.body.id}`);
    expect(res.body).toMatchObject({
      stage: 'HOME_VISIT',
      stageLabel: { zh: '家访', en: 'Home visit' },
      open: true,
      paused: false,
      area: 'GAOPING',
      areaLabel: { zh: '高坪村', en: 'Gaoping' },
      school: 'GULING_PRIMARY',
      schoolLabel: { zh: '故陵小学' },
      cause: 'POVERTY',
      causeLabel: { zh: '因贫' },
      openedBy: COORDINATOR,
      lastSeq: 0,
      child: { name: '李小花', idNumber, birthDate: '2013-08-22', sex: 'F', grade: 3, guardians: [{ name: '王大山', relation: '父亲' }] },
      timeline: [],
    });
    // The engine gets ids and codes only: no name, no ID number.
    const facts = api.engine.started.find((f) => f.caseId === res.body.id);
    expect(facts).toEqual({
      caseId: res.body.id,
      town: 'GULING',
      childId: res.body.child.id,
      cause: 'POVERTY',
      area: 'GAOPING',
      school: 'GULING_PRIMARY',
      openedAt: expect.any(String),
      openedBy: COORDINATOR,
      note: '开学两周未到校',
    });
  });

  it('signs the case with the logged-in user, and ignores an X-Actor header (there is one way to say who acts)', async () => {
    const res = await coordinator.post('/api/cases').set('X-Actor', encodeURIComponent('冒名者')).send(reportBody()).expect(201);
    expect(res.body.openedBy).toBe(COORDINATOR);
    expect(api.engine.started.at(-1)?.openedBy).toBe(COORDINATOR);
  });

  it('answers 400 with a message per field for an invalid body', async () => {
    const res = await coordinator
      .post('/api/cases')
      .send({ child: { name: '', idNumber: 123, sex: 'X', school: '故陵小学', grade: '五', className: '五年级二班', area: '高坪村', guardians: [] }, cause: 'LAZY' })
      .expect(400);

    expectErrorShape(res.body, 400, 'REQUEST.VALIDATION_FAILED');
    const byField = Object.fromEntries(fields(res.body).map((f) => [`${f.field}:${f.constraint}`, f.message]));
    expect(byField).toMatchObject({
      'child.name:isNotEmpty': '必填，不能为空',
      'child.idNumber:isChineseIdNumber': '身份证号码必须是文字',
      'child.sex:isIn': '必须是以下之一：M, F',
      'child.grade:isInt': '必须是整数',
      'child.guardians:arrayMinSize': '至少填写 1 项',
      'cause:isIn': expect.stringContaining('POVERTY'),
    });
    expect(res.body.message).toMatch(/^提交的内容有误：儿童姓名：必填，不能为空；/); // the field by its Chinese name, once
    expect(res.body.messageEn).toMatch(/child\.name/);
  });

  it('refuses an ID number with a wrong check digit', async () => {
    const good = validIdNumber();
    const bad = good.slice(0, 17) + (good[17] === '0' ? '1' : '0');
    const res = await coordinator.post('/api/cases').send(reportBody({ idNumber: bad })).expect(400);

    expectErrorShape(res.body, 400, 'REQUEST.VALIDATION_FAILED');
    expect(fields(res.body)).toEqual([
      expect.objectContaining({ field: 'child.idNumber', constraint: 'isChineseIdNumber', message: '身份证号码校验位不正确，请核对号码' }),
    ]);
    expect(fields(res.body)[0]).toMatchObject({ messageEn: expect.stringContaining('check digit') });
  });

  it('refuses a birth date or sex that contradicts the ID number', async () => {
    const res = await coordinator
      .post('/api/cases')
      .send(reportBody({ idNumber: validIdNumber('2012-03-15', 'M'), birthDate: '2012-03-16', sex: 'F' }))
      .expect(400);
    expect(fields(res.body).map((f) => f.field)).toEqual(['child.birthDate', 'child.sex']);
    expect(fields(res.body)[0].message).toContain('2012-03-15');
  });

  it('refuses an unknown area, listing the valid ones', async () => {
    const res = await coordinator.post('/api/cases').send(reportBody({ area: '月亮村' })).expect(400);

    expectErrorShape(res.body, 400, 'AREA.UNKNOWN');
    expect(res.body.message).toContain('月亮村');
    expect(res.body.message).toContain('GAOPING 高坪村');
    expect(res.body.details.validValues.map((a: { code: string }) => a.code)).toEqual([
      'GULING_COMMUNITY',
      'GAOPING',
      'QIAOTING',
      'BAOXING',
      'SHUANGDIAN',
      'LANCAO',
      'HONGCHUN',
      'HONGPING',
    ]);
  });

  it('refuses an unknown school, listing the valid ones', async () => {
    const res = await coordinator.post('/api/cases').send(reportBody({ school: '故陵大学' })).expect(400);
    expectErrorShape(res.body, 400, 'SCHOOL.UNKNOWN');
    expect(res.body.details.validValues.map((s: { code: string }) => s.code)).toEqual(['GULING_PRIMARY', 'GULING_MIDDLE']);
  });

  it('refuses a grade the school does not teach', async () => {
    const res = await coordinator.post('/api/cases').send(reportBody({ school: 'GULING_MIDDLE', grade: 3 })).expect(400);
    expect(fields(res.body)).toEqual([expect.objectContaining({ field: 'child.grade', message: '故陵中学只有 7-9 年级' })]);
  });

  it('refuses unknown fields, at the top and inside the child', async () => {
    const res = await coordinator
      .post('/api/cases')
      .send(reportBody({ nickname: '明明', guardians: [{ name: '王大山', phone: '13800000000', relation: '父亲', wechat: 'x' }] }, { priority: 'HIGH' }))
      .expect(400);
    expect(fields(res.body).filter((f) => f.constraint === 'whitelistValidation').map((f) => f.field).sort()).toEqual([
      'child.guardians.0.wechat',
      'child.nickname',
      'priority',
    ]);
    expect(fields(res.body)[0].message).toBe('不认识的字段，请删除');
  });

  it('refuses a body with both child and childId, or with neither', async () => {
    const both = await coordinator
      .post('/api/cases')
      .send({ ...reportBody(), childId: '3f1c2b9e-8a47-4d55-9b1e-0c6d2f4a7e21' })
      .expect(400);
    expect(fields(both.body)).toEqual([expect.objectContaining({ field: 'childId', message: 'child 与 childId 只能填写一个' })]);

    const neither = await coordinator.post('/api/cases').send({ cause: 'POVERTY' }).expect(400);
    expect(fields(neither.body).map((f) => f.field)).toEqual(expect.arrayContaining(['child', 'childId']));
  });

  it('answers 404 CHILD.NOT_FOUND for an unknown childId', async () => {
    const res = await coordinator.post('/api/cases').send({ childId: '3f1c2b9e-8a47-4d55-9b1e-0c6d2f4a7e21', cause: 'POVERTY' }).expect(404);
    expectErrorShape(res.body, 404, 'CHILD.NOT_FOUND');
  });

  it('answers 409 CASE.ALREADY_OPEN naming the open case when the child is reported again', async () => {
    const body = reportBody();
    const first = await report(body);
    const res = await coordinator.post('/api/cases').send(body).expect(409);

    expectErrorShape(res.body, 409, 'CASE.ALREADY_OPEN');
    expect(res.body.details).toEqual({ openCaseId: first.id, childId: first.child.id });
    expect(res.body.message).toContain(first.id);

    const byChildId = await coordinator.post('/api/cases').send({ childId: first.child.id, cause: 'ILLNESS' }).expect(409);
    expect(byChildId.body.details.openCaseId).toBe(first.id);
  });

  it('of two concurrent reports of the same child, answers exactly one 201 and one 409', async () => {
    const body = reportBody();
    const results = await Promise.all([1, 2, 3].map(() => coordinator.post('/api/cases').send(body)));

    expect(results.map((r) => r.status).sort()).toEqual([201, 409, 409]);
    const created = results.find((r) => r.status === 201)!;
    for (const refused of results.filter((r) => r.status === 409)) {
      expect(refused.body.details.openCaseId).toBe(created.body.id);
    }
    const open = await db.dataSource.query(`SELECT count(*)::int AS n FROM cases c JOIN children ch ON ch.id = c.child_id WHERE ch.id_number = $1 AND c.open`, [
      body.child.idNumber,
    ]);
    expect(open[0].n).toBe(1);
  });

  it('reuses the child row when a child with an ended case is reported again; other details need the registry corrected first', async () => {
    const body = reportBody();
    const first = await report(body);
    await db.dataSource.query(`UPDATE cases SET stage = 'CLOSED', open = false WHERE id = $1`, [first.id]);
    const moved = reportBody({ idNumber: body.child.idNumber, grade: 6, className: '六年级一班' }, { cause: 'ILLNESS' });
    const refused = await coordinator.post('/api/cases').send(moved).expect(409);
    expect(refused.body).toMatchObject({ code: 'CHILD.DIFFERS_FROM_REGISTRY', details: { fields: ['grade', 'className'] } });

    await coordinator.patch(`/api/children/${first.child.id}`).send({ grade: 6, className: '六年级一班' }).expect(200);
    const second = await report(moved);
    expect(second.child.id).toBe(first.child.id);
    expect(second).toMatchObject({ child: { grade: 6, className: '六年级一班' }, cause: 'ILLNESS' });
  });

  it('removes the case row again and answers 503 when the workflow cannot be started', async () => {
    const body = reportBody();
    api.engine.failNextStart = new Error('connect ECONNREFUSED 127.0.0.1:7233');
    const res = await coordinator.post('/api/cases').send(body).expect(503);

    expectErrorShape(res.body, 503, 'ENGINE.UNAVAILABLE');
    expect(JSON.stringify(res.body)).not.toContain('ECONNREFUSED');
    const rows = await db.dataSource.query(`SELECT c.id FROM cases c JOIN children ch ON ch.id = c.child_id WHERE ch.id_number = $1`, [body.child.idNumber]);
    expect(rows).toEqual([]);
    // Nothing blocks the next attempt.
    await report(body);
  });

  it('answers 400 REQUEST.INVALID_JSON for malformed JSON', async () => {
    const res = await coordinator.post('/api/cases').set('Content-Type', 'application/json').send('{"cause": "POVERTY",').expect(400);
    expectErrorShape(res.body, 400, 'REQUEST.INVALID_JSON');
    expect(res.body.message).toBe('提交的内容不是有效的 JSON');
  });

  it('answers 413 REQUEST.TOO_LARGE for a body over the limit', async () => {
    const res = await coordinator.post('/api/cases').send(reportBody({}, { note: '很'.repeat(60_000) })).expect(413);
    expectErrorShape(res.body, 413, 'REQUEST.TOO_LARGE');
  });
});

describe('GET /api/cases/:id', () => {
  it('answers 404 CASE.NOT_FOUND for an unknown case and 400 CASE.INVALID_ID for a malformed id', async () => {
    const missing = await coordinator.get('/api/cases/3f1c2b9e-8a47-4d55-9b1e-0c6d2f4a7e21').expect(404);
    expectErrorShape(missing.body, 404, 'CASE.NOT_FOUND');
    expect(missing.body.path).toBe('/api/cases/3f1c2b9e-8a47-4d55-9b1e-0c6d2f4a7e21');

    const malformed = await coordinator.get('/api/cases/not-a-uuid').expect(400);
    expectErrorShape(malformed.body, 400, 'CASE.INVALID_ID');
  });

  it('shows the case with its child and the timeline in order, with labels', async () => {
    const opened = await report();
    const { projectCase } = createActivities({ dataSource: db.dataSource });
    const due = new Date(Date.now() - 3_600_000).toISOString();
    await projectCase({
      snapshot: snapshot(opened.id, opened.child.id, {
        lastSeq: 2,
        stage: 'PERSUASION',
        nextDeadlineAt: due,
        windowEndsAt: due,
        actionDueAt: undefined,
        allowedActions: ['RECORD_PERSUASION', 'PERSUASION_REFUSED'],
      }),
      events: [
        event(opened.id, 2, { type: 'RECORD_HOME_VISIT', stageAfter: 'PERSUASION', data: { outcome: 'NOT_RETURNED' } }),
        event(opened.id, 1),
      ],
    });
    const res = await coordinator.get(`/api/cases/${opened.id}`).expect(200);

    expect(res.body).toMatchObject({
      id: opened.id,
      stage: 'PERSUASION',
      stageLabel: { zh: '劝返' },
      overdue: true,
      allowedActions: ['RECORD_PERSUASION', 'PERSUASION_REFUSED'],
      allowedActionLabels: { RECORD_PERSUASION: { zh: '记录劝返', en: 'Persuasion recorded' } },
      child: { id: opened.child.id, idNumber: opened.child.idNumber, guardians: [expect.objectContaining({ phone: '13800000000' })] },
    });
    expect(res.body.timeline.map((e: { seq: number; type: string; label: { zh: string } }) => [e.seq, e.type, e.label.zh])).toEqual([
      [1, 'CASE_OPENED', '立案'],
      [2, 'RECORD_HOME_VISIT', '记录家访'],
    ]);
    expect(res.body.timeline[1]).toMatchObject({ stageBeforeLabel: { zh: '家访' }, stageAfterLabel: { zh: '劝返' }, data: { outcome: 'NOT_RETURNED' } });
  });
});

describe('GET /api/cases', () => {
  it('filters by area (code or Chinese name), school and stage, pages, and sorts by next deadline', async () => {
    const { projectCase } = createActivities({ dataSource: db.dataSource });
    const inHongping = [];
    for (const [i, hours] of [5, -2, 1].entries()) {
      const opened = await report(reportBody({ area: '红坪村', school: 'GULING_MIDDLE', grade: 7 + i }));
      const due = new Date(Date.now() + hours * 3_600_000).toISOString();
      await projectCase({ snapshot: snapshot(opened.id, opened.child.id, { area: 'HONGPING', school: 'GULING_MIDDLE', nextDeadlineAt: due }), events: [event(opened.id, 1)] });
      inHongping.push({ id: opened.id, hours });
    }
    const byDeadline = [...inHongping].sort((a, b) => a.hours - b.hours).map((c) => c.id);

    const all = await coordinator.get('/api/cases').query({ area: '红坪村' }).expect(200);
    expect(all.body).toMatchObject({ total: 3, page: 1, pageSize: 20 });
    expect(all.body.items.map((c: { id: string }) => c.id)).toEqual(byDeadline);
    expect(all.body.items[0]).toMatchObject({ areaLabel: { zh: '红坪村' }, schoolLabel: { zh: '故陵中学' }, stageLabel: { zh: '家访' }, child: { name: '王小明' } });

    const overdue = await coordinator.get('/api/cases').query({ area: 'HONGPING', overdue: 'true' }).expect(200);
    expect(overdue.body.items.map((c: { id: string; overdue: boolean }) => [c.id, c.overdue])).toEqual([[byDeadline[0], true]]);

    const page2 = await coordinator.get('/api/cases').query({ area: 'HONGPING', page: '2', pageSize: '2' }).expect(200);
    expect(page2.body).toMatchObject({ total: 3, page: 2, pageSize: 2 });
    expect(page2.body.items.map((c: { id: string }) => c.id)).toEqual([byDeadline[2]]);

    const persuasion = await coordinator.get('/api/cases').query({ area: 'HONGPING', stage: 'PERSUASION' }).expect(200);
    expect(persuasion.body.total).toBe(0);
    const middle = await coordinator.get('/api/cases').query({ school: '故陵中学', area: 'HONGPING' }).expect(200);
    expect(middle.body.total).toBe(3);
  });

  it('refuses bad filters with 400', async () => {
    const stage = await coordinator.get('/api/cases').query({ stage: 'NOWHERE' }).expect(400);
    expect(fields(stage.body)).toEqual([expect.objectContaining({ field: 'stage', constraint: 'isIn' })]);

    const size = await coordinator.get('/api/cases').query({ pageSize: '1000', overdue: 'yes' }).expect(400);
    expect(fields(size.body).map((f) => `${f.field}:${f.constraint}`).sort()).toEqual(['overdue:isBoolean', 'pageSize:max']);

    const unknown = await coordinator.get('/api/cases').query({ sort: 'name' }).expect(400);
    expect(fields(unknown.body)).toEqual([expect.objectContaining({ field: 'sort', constraint: 'whitelistValidation' })]);

    const area = await coordinator.get('/api/cases').query({ area: '月亮村' }).expect(400);
    expectErrorShape(area.body, 400, 'AREA.UNKNOWN');
  });
});

describe('POST /api/cases/:id/actions', () => {
  let caseId: string;

  beforeAll(async () => {
    caseId = (await report()).id;
  });

  it('passes a valid action to the engine with the logged-in user as actor, and answers the case and its new events', async () => {
    const today = chinaDay(new Date()); // a day of the past cannot be before the case (action-dates.ts)
    const res = await coordinator
      .post(`/api/cases/${caseId}/actions`)
      .send({ type: 'RECORD_HOME_VISIT', outcome: 'NOT_RETURNED', visitedOn: today, note: '监护人不在家' })
      .expect(200);

    expect(api.engine.actions.at(-1)).toEqual({
      caseId,
      action: { type: 'RECORD_HOME_VISIT', outcome: 'NOT_RETURNED', visitedOn: today, note: '监护人不在家', actor: COORDINATOR },
    });
    expect(res.body.case).toMatchObject({ id: caseId, stage: 'HOME_VISIT', stageLabel: { zh: '家访' } });
    expect(res.body.events).toEqual([
      expect.objectContaining({ type: 'RECORD_HOME_VISIT', label: { zh: '记录家访', en: 'Home visit recorded' }, actor: COORDINATOR }),
    ]);
  });

  it('answers 400 ACTION.UNKNOWN_TYPE listing the valid types', async () => {
    const res = await coordinator.post(`/api/cases/${caseId}/actions`).send({ type: 'BURN_THE_FILE' }).expect(400);

    expectErrorShape(res.body, 400, 'ACTION.UNKNOWN_TYPE');
    expect(res.body.details.validTypes.map((t: { type: string }) => t.type)).toEqual([...ACTION_TYPES]);
    expect(res.body.message).toContain('BURN_THE_FILE');
    expect(res.body.message).toContain('RECORD_HOME_VISIT（记录家访）');

    const missing = await coordinator.post(`/api/cases/${caseId}/actions`).send({ reason: 'x' }).expect(400);
    expect(missing.body.code).toBe('ACTION.UNKNOWN_TYPE');

    // A type that is no text at all, not even convertible to one (found by the fuzz run: it was a 500).
    const object = await coordinator.post(`/api/cases/${caseId}/actions`).send({ type: { toString: 1, valueOf: 1 } }).expect(400);
    expect(object.body.code).toBe('ACTION.UNKNOWN_TYPE');
  });

  it('checks the fields of the action type: missing, wrong type, unknown, and no actor in the body', async () => {
    const missing = await coordinator.post(`/api/cases/${caseId}/actions`).send({ type: 'PAUSE' }).expect(400);
    expect(fields(missing.body)).toEqual(
      expect.arrayContaining([expect.objectContaining({ field: 'reason', constraint: 'isNotEmpty', message: '必填，不能为空' })]),
    );

    const wrong = await coordinator
      .post(`/api/cases/${caseId}/actions`)
      .send({ type: 'RECORD_HOME_VISIT', outcome: 'MAYBE', visitedOn: '2024-02-30' })
      .expect(400);
    expect(fields(wrong.body).map((f) => `${f.field}:${f.constraint}`)).toEqual(['outcome:isIn', 'visitedOn:isCalendarDate']);
    expect(fields(wrong.body)[1].message).toBe('必须是日期，格式如 2024-03-01');

    const extra = await coordinator
      .post(`/api/cases/${caseId}/actions`)
      .send({ type: 'RESUME', actor: '冒名者', reason: 'x' })
      .expect(400);
    expect(fields(extra.body).map((f) => `${f.field}:${f.constraint}`).sort()).toEqual(['actor:whitelistValidation', 'reason:whitelistValidation']);

    const extend = await coordinator
      .post(`/api/cases/${caseId}/actions`)
      .send({ type: 'EXTEND_DEADLINE', newDueAt: '2024-03-20', reason: 'x', approver: 42 })
      .expect(400);
    expect(fields(extend.body).map((f) => `${f.field}:${f.constraint}`)).toEqual(['newDueAt:isInstant', 'approver:isString', 'approver:maxLength']);

    expect(api.engine.actions.filter((a) => ['PAUSE', 'RESUME', 'EXTEND_DEADLINE'].includes(a.action.type))).toEqual([]);
  });

  it('answers 409 CASE.ACTION_NOT_ALLOWED naming the allowed actions when the engine refuses', async () => {
    api.engine.refuseWith = new ActionRefusedError('ACTION_NOT_ALLOWED', 'ISSUE_JUDICIAL_DOCUMENT is not allowed in HOME_VISIT', {
      stage: 'HOME_VISIT',
      paused: false,
      allowedActions: ['RECORD_HOME_VISIT', 'RECORD_RETURN'],
    });
    const res = await coordinator
      .post(`/api/cases/${caseId}/actions`)
      .send({ type: 'ISSUE_JUDICIAL_DOCUMENT', documentNumber: '故司督〔2024〕1号' })
      .expect(409);

    expectErrorShape(res.body, 409, 'CASE.ACTION_NOT_ALLOWED');
    expect(res.body.details).toMatchObject({ stage: 'HOME_VISIT', paused: false, allowedActions: ['RECORD_HOME_VISIT', 'RECORD_RETURN'] });
    expect(res.body.message).toBe('案件当前阶段不能进行此操作（当前阶段：家访）。现在可以进行的操作：记录家访（RECORD_HOME_VISIT）、复学（RECORD_RETURN）');
    expect(res.body.messageEn).toContain('Allowed now: RECORD_HOME_VISIT, RECORD_RETURN');
  });

  it('answers 400 ACTION.INVALID when the engine finds the action invalid', async () => {
    api.engine.refuseWith = new ActionRefusedError('INVALID_ACTION', 'newDueAt must be later than the current due date');
    const res = await coordinator
      .post(`/api/cases/${caseId}/actions`)
      .send({ type: 'EXTEND_DEADLINE', newDueAt: '2024-03-20T17:00:00+08:00', reason: '外出务工', approver: 'leader' })
      .expect(400);
    expectErrorShape(res.body, 400, 'ACTION.INVALID');
    expect(res.body.messageEn).toContain('newDueAt must be later');
  });

  it('answers 409 CASE.CLOSED for an ended case, from the engine or from the read model', async () => {
    api.engine.refuseWith = new CaseEndedError(caseId);
    const fromEngine = await coordinator.post(`/api/cases/${caseId}/actions`).send({ type: 'RESUME' }).expect(409);
    expectErrorShape(fromEngine.body, 409, 'CASE.CLOSED');

    const ended = await report();
    await db.dataSource.query(`UPDATE cases SET stage = 'CANCELLED', open = false WHERE id = $1`, [ended.id]);
    const asked = api.engine.actions.length;
    const fromReadModel = await coordinator.post(`/api/cases/${ended.id}/actions`).send({ type: 'RESUME' }).expect(409);
    expectErrorShape(fromReadModel.body, 409, 'CASE.CLOSED');
    expect(api.engine.actions).toHaveLength(asked);
  });

  it('answers 404 for an unknown case and 400 for a malformed id, without asking the engine', async () => {
    const asked = api.engine.actions.length;
    const missing = await coordinator.post('/api/cases/3f1c2b9e-8a47-4d55-9b1e-0c6d2f4a7e21/actions').send({ type: 'RESUME' }).expect(404);
    expectErrorShape(missing.body, 404, 'CASE.NOT_FOUND');
    await coordinator.post('/api/cases/123/actions').send({ type: 'RESUME' }).expect(400);
    expect(api.engine.actions).toHaveLength(asked);
  });

  it('answers 503 when the engine is unavailable and 500 without details for an unexpected failure', async () => {
    api.engine.refuseWith = new EngineUnavailableError();
    const down = await coordinator.post(`/api/cases/${caseId}/actions`).send({ type: 'RESUME' }).expect(503);
    expectErrorShape(down.body, 503, 'ENGINE.UNAVAILABLE');

    api.engine.refuseWith = new TypeError("Cannot read properties of undefined (reading 'secret')");
    const broken = await coordinator.post(`/api/cases/${caseId}/actions`).send({ type: 'RESUME' }).expect(500);
    expectErrorShape(broken.body, 500, 'INTERNAL.ERROR');
    expect(JSON.stringify(broken.body)).not.toContain('secret');
  });
});

describe('routes, health and documentation', () => {
  it('answers unknown routes with 404 ROUTE.NOT_FOUND in the same shape, inside and outside /api', async () => {
    const inside = await request(api.server).get('/api/nothing-here').expect(404);
    expectErrorShape(inside.body, 404, 'ROUTE.NOT_FOUND');
    // A known path with a method it does not answer: 405 with Allow (test/e2e/http-semantics.test.ts).
    const method = await request(api.server).delete('/api/cases').expect(405);
    expectErrorShape(method.body, 405, 'ROUTE.METHOD_NOT_ALLOWED');
    const outside = await request(api.server).get('/nothing-here?x=1').expect(404);
    expectErrorShape(outside.body, 404, 'ROUTE.NOT_FOUND');
    expect(outside.body.path).toBe('/nothing-here');
  });

  it('reports health: 200 when database and engine are ok, 503 when the engine is not', async () => {
    const ok = await request(api.server).get('/api/health').expect(200);
    expect(ok.body).toMatchObject({ status: 'ok', database: { ok: true }, temporal: { ok: true } });

    api.engine.healthy = { ok: false, detail: 'connect ECONNREFUSED 127.0.0.1:7233' };
    const degraded = await request(api.server).get('/api/health').expect(503);
    expect(degraded.body).toMatchObject({ status: 'degraded', database: { ok: true }, temporal: { ok: false, detail: expect.stringContaining('ECONNREFUSED') } });
  });

  it('serves Swagger UI at /api/docs and the OpenAPI JSON at /api/docs-json, listing every error code', async () => {
    const ui = await request(api.server).get('/api/docs').redirects(1).expect(200);
    expect(ui.headers['content-type']).toMatch(/text\/html/);

    const doc = (await request(api.server).get('/api/docs-json').expect(200)).body;
    expect(Object.keys(doc.paths)).toEqual(
      expect.arrayContaining(['/api/health', '/api/cases', '/api/cases/{id}', '/api/cases/{id}/actions']),
    );
    for (const code of ERROR_CODES) expect(doc.info.description).toContain(`\`${code}\``);
    expect(doc.components.schemas.ErrorResponseDto.properties.code.enum).toEqual(ERROR_CODES);
    // One schema per action type, chosen by `type`.
    const body = doc.paths['/api/cases/{id}/actions'].post.requestBody.content['application/json'].schema;
    expect(Object.keys(body.discriminator.mapping).sort()).toEqual([...ACTION_TYPES].sort());
    expect(doc.components.schemas.PauseDto.required).toEqual(expect.arrayContaining(['type', 'reason']));
    // Bearer log-in is documented, on the operations that need it and not on log-in and health.
    expect(doc.components.securitySchemes.bearer).toMatchObject({ type: 'http', scheme: 'bearer' });
    expect(doc.paths['/api/cases/{id}/actions'].post.security).toEqual([{ bearer: [] }]);
    expect(doc.paths['/api/auth/login'].post.security).toBeUndefined();
    expect(JSON.stringify(doc)).not.toContain('X-Actor');
    expect(doc.info.description).toContain('JUSTICE_OFFICE');
    expect(doc.components.schemas.ReportedChildDto.properties.idNumber.example).toBe('500235201203150034');
  });
});
