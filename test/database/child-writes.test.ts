/**
 * The write rule where it is decided, against a real PostgreSQL: in the transaction that writes, on
 * the record it holds locked. Two transactions at once, by hand: no check-then-write gap lets a
 * row through (src/registry/children-store.ts, src/read-model/case-intake.ts).
 */
import { randomUUID } from 'node:crypto';
import type { ScopedUser } from '../../src/access/permissions';
import { ChildWriteRefusedError, openCaseRecord } from '../../src/read-model/case-intake';
import { CHILD_FLAGS, ChildFlag, RegistryChildInput } from '../../src/registry/child-rules';
import { saveChildren } from '../../src/registry/children-store';
import { validIdNumber } from '../support/fixtures';
import { createTestDatabase, TestDatabase } from '../support/test-database';

let db: TestDatabase;

beforeAll(async () => {
  db = await createTestDatabase();
});

afterAll(async () => {
  await db?.drop();
});

const SECRETARY: ScopedUser = { role: 'VILLAGE_SECRETARY', town: 'GULING', area: 'GAOPING', school: null, grade: null, className: null };

function child(idNumber: string, overrides: Partial<RegistryChildInput> = {}): RegistryChildInput {
  return {
    name: '高坪儿童',
    idNumber,
    birthDate: `${idNumber.slice(6, 10)}-${idNumber.slice(10, 12)}-${idNumber.slice(12, 14)}`,
    sex: Number(idNumber[16]) % 2 === 1 ? 'M' : 'F',
    school: 'GULING_PRIMARY',
    grade: 5,
    className: '五年级二班',
    area: 'GAOPING',
    villagerGroup: null,
    guardians: [{ name: '冒名监护人', phone: '13999999999', relation: '父亲' }],
    ...(Object.fromEntries(CHILD_FLAGS.map((flag) => [flag, false])) as Record<ChildFlag, boolean>),
    ...overrides,
  };
}

const rowOf = async (idNumber: string) => (await db.dataSource.query(`SELECT name, area, updated_at FROM children WHERE id_number = $1`, [idNumber]))[0];

/** Waits until a backend waits on a lock (the second writer has reached its statement). */
async function untilSomeoneWaitsForALock(): Promise<void> {
  for (let i = 0; i < 200; i++) {
    const [{ n }] = await db.dataSource.query(`SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'`);
    if (n > 0) return;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error('nobody waited for a lock');
}

describe('saveChildren with a writer', () => {
  it('a child registered in another village by a transaction still running when the import writes is decided on, not overwritten', async () => {
    const idNumber = validIdNumber('2012-10-10', 'M');
    const other = db.dataSource.createQueryRunner();
    await other.connect();
    await other.startTransaction();
    await other.query(
      `INSERT INTO children (town, name, id_number, birth_date, sex, school, grade, class_name, area) VALUES ('GULING', '双店儿童', $1, '2012-10-10', 'M', 'GULING_MIDDLE', 8, '八年级一班', 'SHUANGDIAN')`,
      [idNumber],
    );
    // The import found no record of the ID number; its insert waits for the other registration.
    const importing = db.dataSource.transaction((manager) => saveChildren(manager, 'GULING', [child(idNumber)], { writer: SECRETARY }));
    await untilSomeoneWaitsForALock();
    await other.commitTransaction();
    await other.release();
    const written = await importing;
    expect(written).toMatchObject({ created: 0, updated: 0, unchanged: 0, refused: [{ idNumber, refusal: 'RECORD_OUTSIDE_SCOPE', childId: expect.any(String) }] });
    expect(await rowOf(idNumber)).toMatchObject({ name: '双店儿童', area: 'SHUANGDIAN' });
  });

  it('an import waits for a correction in progress and decides on the corrected record: moved to another village, it is refused', async () => {
    const idNumber = validIdNumber('2012-10-11', 'M');
    await db.dataSource.transaction((manager) => saveChildren(manager, 'GULING', [child(idNumber, { name: '原名' })]));
    // The coordinator moves the child to 双店村 and has not committed yet; the secretary's import of the child waits for the row.
    const coordinator = db.dataSource.createQueryRunner();
    await coordinator.connect();
    await coordinator.startTransaction();
    await coordinator.query(`UPDATE children SET area = 'SHUANGDIAN' WHERE id_number = $1`, [idNumber]);
    const importing = db.dataSource.transaction((manager) => saveChildren(manager, 'GULING', [child(idNumber, { name: '冒名' })], { writer: SECRETARY }));
    await untilSomeoneWaitsForALock();
    await coordinator.commitTransaction();
    await coordinator.release();
    const written = await importing;
    expect(written).toMatchObject({ updated: 0, refused: [{ refusal: 'RECORD_OUTSIDE_SCOPE' }] });
    expect(await rowOf(idNumber)).toMatchObject({ name: '原名', area: 'SHUANGDIAN' });
  });
});

describe('openCaseRecord with a reporter', () => {
  it('decides on the record held FOR SHARE: a child moved away before the report commits is refused, and no case is opened', async () => {
    const idNumber = validIdNumber('2012-10-12', 'F');
    await db.dataSource.transaction((manager) => saveChildren(manager, 'GULING', [child(idNumber)]));
    const coordinator = db.dataSource.createQueryRunner();
    await coordinator.connect();
    await coordinator.startTransaction();
    await coordinator.query(`UPDATE children SET area = 'SHUANGDIAN' WHERE id_number = $1`, [idNumber]);
    const { guardians, ...inline } = child(idNumber);
    const reporting = openCaseRecord(db.dataSource, {
      caseId: randomUUID(),
      town: 'GULING',
      child: { ...inline, guardians },
      cause: 'POVERTY',
      openedAt: new Date().toISOString(),
      openedBy: 'secretary',
      reporter: SECRETARY,
    });
    await untilSomeoneWaitsForALock();
    await coordinator.commitTransaction();
    await coordinator.release();
    await expect(reporting).rejects.toMatchObject({ name: 'ChildWriteRefusedError', refusal: 'RECORD_OUTSIDE_SCOPE' });
    await expect(reporting).rejects.toBeInstanceOf(ChildWriteRefusedError);
    const [{ n }] = await db.dataSource.query(`SELECT count(*)::int AS n FROM cases k JOIN children c ON c.id = k.child_id WHERE c.id_number = $1`, [idNumber]);
    expect(n).toBe(0);
  });
});
