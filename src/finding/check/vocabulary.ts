/**
 * The cross-check's words, one vocabulary with Chinese and English labels: the kinds of finding
 * (the lists a person works through), the ledgers, the sources of a movement between them and the
 * reasons an item is cleared. The migration keeps a frozen copy of the kinds and sources.
 */
import type { Label } from '../../workflows/vocabulary';

export const FINDING_KINDS = ['NOT_ENROLLED', 'SUSPECTED_DROPOUT', 'POVERTY_DROPOUT', 'ROLL_WITHOUT_REGISTER', 'BIRTH_DATE_CONFLICT', 'ON_TWO_ROLLS', 'FUZZY_MATCH'] as const;
export type FindingKind = (typeof FINDING_KINDS)[number];

export const FINDING_KIND_LABELS: Record<FindingKind, Label> = {
  NOT_ENROLLED: { zh: '未入学', en: 'Not enrolled' },
  SUSPECTED_DROPOUT: { zh: '疑似辍学', en: 'Suspected dropout' },
  POVERTY_DROPOUT: { zh: '脱贫家庭辍学', en: 'Dropout of a family lifted out of poverty' },
  ROLL_WITHOUT_REGISTER: { zh: '有学籍无户籍', en: 'On a roll, not on the register' },
  BIRTH_DATE_CONFLICT: { zh: '出生日期不一致', en: 'Birth dates disagree' },
  ON_TWO_ROLLS: { zh: '重复学籍', en: 'On two rolls' },
  FUZZY_MATCH: { zh: '疑似同一人（待核实）', en: 'Possibly the same child (to review)' },
};

/** The cross-check's tasks (finding_tasks): verifying a suspected dropout, and the 四个一 rhythm's scheduled work. */
export const FINDING_TASK_KINDS = ['VERIFY_SUSPECTED', 'QUARTERLY_RECHECK', 'TERM_START_VISIT'] as const;
export type FindingTaskKind = (typeof FINDING_TASK_KINDS)[number];
export const FINDING_TASK_KIND_LABELS: Record<FindingTaskKind, Label> = {
  VERIFY_SUSPECTED: { zh: '核实疑似辍学', en: 'Verify a suspected dropout' },
  QUARTERLY_RECHECK: { zh: '季度复核', en: 'Quarterly re-check' },
  TERM_START_VISIT: { zh: '开学走访', en: 'Term-start visits' },
};

export const ITEM_STATUSES = ['OPEN', 'CONFIRMED', 'CLEARED', 'GONE'] as const;
export type ItemStatus = (typeof ITEM_STATUSES)[number];
export const ITEM_STATUS_LABELS: Record<ItemStatus, Label> = {
  OPEN: { zh: '待处理', en: 'Open' },
  CONFIRMED: { zh: '已立案', en: 'Confirmed into a case' },
  CLEARED: { zh: '已排除', en: 'Cleared' },
  GONE: { zh: '数据已更正', en: 'No longer in the data' },
};

/** A child's position in the ledgers: every school-age child is on 适龄儿童; SUSPECTED and DROPOUT add 疑似辍学 / 辍学. */
export const LEDGER_STATUSES = ['NONE', 'SUSPECTED', 'DROPOUT'] as const;
export type LedgerStatus = (typeof LEDGER_STATUSES)[number];

export const LEDGERS = ['SCHOOL_AGE', 'SUSPECTED', 'DROPOUT'] as const;
export type Ledger = (typeof LEDGERS)[number];
export const LEDGER_LABELS: Record<Ledger, Label> = {
  SCHOOL_AGE: { zh: '适龄儿童台账', en: 'School-age children' },
  SUSPECTED: { zh: '疑似辍学台账', en: 'Suspected dropouts' },
  DROPOUT: { zh: '辍学台账', en: 'Dropouts' },
};

export const MOVEMENT_SOURCES = ['ATTENDANCE', 'CROSS_CHECK', 'CONFIRMED', 'CLEARED', 'POLICY', 'CASE_OPENED', 'CASE_RETURNED', 'CASE_ENDED'] as const;
export type MovementSource = (typeof MOVEMENT_SOURCES)[number];
export const MOVEMENT_SOURCE_LABELS: Record<MovementSource, Label> = {
  ATTENDANCE: { zh: '考勤预警', en: 'Attendance warning' },
  CROSS_CHECK: { zh: '比对结果（已到校）', en: 'Cross-check (back at school)' },
  CONFIRMED: { zh: '核实立案', en: 'Confirmed into a case' },
  CLEARED: { zh: '核实排除', en: 'Cleared' },
  POLICY: { zh: '疑似逾期未核实，按辍学计', en: 'Suspected too long without verification: counted as dropped out' },
  CASE_OPENED: { zh: '已立案', en: 'Case opened' },
  CASE_RETURNED: { zh: '已复学', en: 'Returned to school' },
  CASE_ENDED: { zh: '案件办结（转学、缓学等）', en: 'Case ended (transfer, exemption, …)' },
};

/** Why a person clears an item. The first four are the reasons for a suspected dropout. */
export const CLEAR_REASONS = ['TRANSFERRED', 'ILL_WITH_CERTIFICATE', 'HOME_DELIVERED_EDUCATION', 'EXEMPTED', 'ENROLLED_ELSEWHERE', 'DATA_CORRECTED', 'SAME_CHILD', 'NOT_SAME_CHILD', 'OTHER'] as const;
export type ClearReason = (typeof CLEAR_REASONS)[number];
export const CLEAR_REASON_LABELS: Record<ClearReason, Label> = {
  TRANSFERRED: { zh: '转学', en: 'Transferred' },
  ILL_WITH_CERTIFICATE: { zh: '病假（有证明）', en: 'Ill, with a certificate' },
  HOME_DELIVERED_EDUCATION: { zh: '送教上门', en: 'Home-delivered education' },
  EXEMPTED: { zh: '缓学/休学（已批准）', en: 'Deferred or suspended, with approval' },
  ENROLLED_ELSEWHERE: { zh: '在外地就读（已核实）', en: 'At school elsewhere (verified)' },
  DATA_CORRECTED: { zh: '数据有误，已更正', en: 'Data wrong, corrected at the source' },
  SAME_CHILD: { zh: '是同一人', en: 'The same child' },
  NOT_SAME_CHILD: { zh: '不是同一人', en: 'Not the same child' },
  OTHER: { zh: '其他', en: 'Other' },
};

/** Which reasons fit which kind (a fuzzy match is answered by same / not the same child). */
export function clearReasonsFor(kind: FindingKind): readonly ClearReason[] {
  switch (kind) {
    case 'FUZZY_MATCH':
      return ['SAME_CHILD', 'NOT_SAME_CHILD'];
    case 'SUSPECTED_DROPOUT':
    case 'POVERTY_DROPOUT':
      return ['TRANSFERRED', 'ILL_WITH_CERTIFICATE', 'HOME_DELIVERED_EDUCATION', 'EXEMPTED', 'OTHER'];
    case 'NOT_ENROLLED':
      return ['ENROLLED_ELSEWHERE', 'TRANSFERRED', 'HOME_DELIVERED_EDUCATION', 'EXEMPTED', 'DATA_CORRECTED', 'OTHER'];
    default:
      return ['DATA_CORRECTED', 'TRANSFERRED', 'OTHER'];
  }
}

/** Kinds a person may confirm into a case (立案): a pupil on a roll who is not at school (a child never enrolled has no school yet: reported on the report page). */
export const CONFIRMABLE_KINDS: readonly FindingKind[] = ['SUSPECTED_DROPOUT', 'POVERTY_DROPOUT'];
