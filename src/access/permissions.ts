/**
 * Access rules live here, below the HTTP layer: the API, the read model, the registry, the ledger
 * and the dashboard import them downward (src/access: roles, permissions, masking, and
 * child-writes.ts, the one rule every write of a child is decided by).
 *
 * Who may see and do what: the permission table, as data, and the pure functions the API asks.
 * No NestJS, no database: the list query turns `caseScope()` into SQL (src/read-model/case-queries.ts).
 * test/unit/permissions.test.ts checks the table; test/database/case-queries.test.ts that the SQL
 * admits exactly what `inCaseScope` admits; test/e2e/permission-matrix.test.ts the whole API.
 *
 * The rules:
 * - a user sees its own town's records only: another town's case does not exist for it (404);
 * - a role reads the cases in its read scope: the whole town, its school, its class (school +
 *   grade + class of the child), its responsibility area, or the cases at the stages it works on;
 * - it reports (opens a case for) a child only where it would then read the case, and only if
 *   its row says `report`;
 * - on a case it reads, it takes only the action types of its row;
 * - a case outside the read scope does not exist for the role (404); an action the role may not
 *   take on a case it reads is forbidden (403);
 * - lists mask ID numbers and phones for everybody; the case detail shows them to the roles whose
 *   row says `fullIdentity` (they visit the family, phone the guardians or write legal documents).
 */
import type { ActionType, Label, Stage } from '../workflows/vocabulary';
import { ACTION_TYPES, EVENT_LABELS, STAGE_LABELS } from '../workflows/vocabulary';
import { ROLES, ROLE_LABELS, Role } from './roles';
import { DOCUMENT_KINDS, DocumentKind } from '../documents/document-kinds';

export type ReadScope = 'TOWN' | 'SCHOOL' | 'CLASS' | 'AREA' | 'STAGES' | 'NONE';

export interface RolePermissions {
  /** Which cases the role lists and reads. */
  read: ReadScope;
  /** With read 'STAGES': the stages whose cases it reads (the case's current stage). */
  stages?: readonly Stage[];
  /** May report a suspected dropout (open a case), for a child inside its read scope. */
  report: boolean;
  /** The action types it may take on the cases it reads. */
  actions: readonly ActionType[];
  /** Sees full ID numbers and guardian phones in the case detail (lists are masked for everybody). */
  fullIdentity: boolean;
  /** May read the audit log. */
  readAudit: boolean;
  /**
   * The children's registry (/api/children), within the read scope (a stage-scoped role has no
   * children of its own): WRITE registers and corrects children, READ lists and reads them, NONE neither.
   */
  children: RegistryAccess;
}

export type RegistryAccess = 'WRITE' | 'READ' | 'NONE';

/** What a village does: home visits and persuasion in its area, the return, support, pause. */
export const VILLAGE_SIDE_ACTIONS: readonly ActionType[] = [
  'RECORD_HOME_VISIT',
  'RECORD_PERSUASION',
  'PERSUASION_REFUSED',
  'RECORD_RETURN',
  'RECORD_RELAPSE',
  'ADD_NOTE',
  'ADD_SUPPORT',
  'PAUSE',
  'RESUME',
  'RECORD_SUPPORT_OUTCOME',
  // A caseworker asks; an approver of the policy's roles decides (src/workflows/approvals.ts).
  'REQUEST_APPROVAL',
];

/** What a school does: the village's work, and the school-side endings. */
export const SCHOOL_SIDE_ACTIONS: readonly ActionType[] = [...VILLAGE_SIDE_ACTIONS, 'TRANSFER', 'COMPLETE'];

const LEADING_GROUP: RolePermissions = {
  read: 'TOWN',
  report: false,
  // The leader also answers a transfer another town asks of this one (the coordinator too: every action).
  actions: ['APPROVE_CLOSURE', 'EXTEND_DEADLINE', 'ADD_NOTE', 'APPROVE_REQUEST', 'REJECT_REQUEST', 'ACCEPT_TRANSFER', 'DECLINE_TRANSFER'],
  fullIdentity: false,
  readAudit: true,
  children: 'READ',
};

const LEDGER_KEEPER: RolePermissions = {
  read: 'TOWN',
  report: true,
  actions: ACTION_TYPES,
  fullIdentity: true,
  readAudit: false,
  children: 'WRITE',
};

/** The table. Keep docs/security.md in step (test/unit/permissions.test.ts checks it). */
export const PERMISSIONS: Record<Role, RolePermissions> = {
  LEADER: LEADING_GROUP,
  DEPUTY_LEADER: LEADING_GROUP,
  COORDINATOR: LEDGER_KEEPER,
  DAILY_OFFICER: LEDGER_KEEPER,
  PRINCIPAL: { read: 'SCHOOL', report: true, actions: SCHOOL_SIDE_ACTIONS, fullIdentity: true, readAudit: false, children: 'WRITE' },
  TEACHER: { read: 'CLASS', report: true, actions: SCHOOL_SIDE_ACTIONS, fullIdentity: true, readAudit: false, children: 'WRITE' },
  // The notice: 各村（社区）、学校要全面掌握辖区内适龄儿童少年情况 — villages find dropouts too, so they report.
  VILLAGE_SECRETARY: { read: 'AREA', report: true, actions: VILLAGE_SIDE_ACTIONS, fullIdentity: true, readAudit: false, children: 'WRITE' },
  VILLAGE_CADRE: { read: 'AREA', report: true, actions: VILLAGE_SIDE_ACTIONS, fullIdentity: true, readAudit: false, children: 'WRITE' },
  // Delivers the criticism and the order to the guardians: needs their names, phones and the child's identity.
  TOWN_OFFICE: { read: 'TOWN', report: false, actions: ['ISSUE_CORRECTION_ORDER', 'ADD_NOTE', 'REQUEST_APPROVAL'], fullIdentity: true, readAudit: false, children: 'READ' },
  JUSTICE_OFFICE: {
    read: 'STAGES',
    stages: ['JUDICIAL_DOCUMENT', 'LEGAL_LIABILITY'],
    report: false,
    actions: ['ISSUE_JUDICIAL_DOCUMENT', 'REFER_LEGAL_LIABILITY', 'ADD_NOTE'],
    fullIdentity: true,
    readAudit: false,
    children: 'NONE',
  },
  POLICE_STATION: {
    read: 'STAGES',
    stages: ['LEGAL_LIABILITY'],
    report: false,
    actions: ['RECORD_LEGAL_OUTCOME', 'ADD_NOTE'],
    fullIdentity: true,
    readAudit: false,
    children: 'NONE',
  },
  // Gives people their accounts (src/accounts): needs no child's data to do so.
  TOWN_ADMIN: { read: 'NONE', report: false, actions: [], fullIdentity: false, readAudit: false, children: 'NONE' },
};

/**
 * The roles that read the whole town (read scope TOWN: the leading group, the coordinator, the daily
 * officer, the town office): the town-wide reports and the what-if forecast are theirs.
 */
export function mayReadWholeTown(role: Role): boolean {
  return PERMISSIONS[role]?.read === 'TOWN';
}

/** Who administers the accounts of their own town (create, edit, deactivate, reset passwords: src/accounts). */
export const ACCOUNT_ADMIN_ROLES: readonly Role[] = ['TOWN_ADMIN'];

export function mayAdministerAccounts(role: Role): boolean {
  return ACCOUNT_ADMIN_ROLES.includes(role);
}

/**
 * Who may approve an extension of a due date (EXTEND_DEADLINE names them as `approver`): the
 * leading group's leader and deputies, who answer for the deadlines, and the coordinator, who
 * runs the ledger for them (the notice: 统筹负责). The approver is checked by the API, never typed freely.
 */
export const EXTENSION_APPROVER_ROLES: readonly Role[] = ['LEADER', 'DEPUTY_LEADER', 'COORDINATOR'];

export function mayApproveExtension(role: Role): boolean {
  return EXTENSION_APPROVER_ROLES.includes(role);
}

/** A user as far as permissions go: the role and the place it is bound to. */
export interface ScopedUser {
  role: Role;
  /** Town code: every scope below is inside this town. */
  town: string;
  /** Area code (village roles). */
  area: string | null;
  /** School code (principal, teacher). */
  school: string | null;
  /** Grade and class (teacher). */
  grade: number | null;
  className: string | null;
}

/** Which cases a user reads, in a form both SQL and `inCaseScope` understand. */
export type CaseScope =
  | { kind: 'ALL' }
  | { kind: 'NONE' }
  | { kind: 'AREA'; area: string }
  | { kind: 'SCHOOL'; school: string }
  | { kind: 'CLASS'; school: string; grade: number; className: string }
  | { kind: 'STAGES'; stages: readonly Stage[] };

/** What decides whether a case is in a scope: the case's area, school and stage, the child's grade and class. */
export interface CaseScopeFacts {
  town: string;
  area: string;
  school: string;
  stage: Stage;
  grade: number;
  className: string;
}

/** The user's read scope. A user whose row lacks the place its role needs reads nothing. */
export function caseScope(user: ScopedUser): CaseScope {
  const row = PERMISSIONS[user.role];
  if (!row) return { kind: 'NONE' };
  switch (row.read) {
    case 'NONE':
      return { kind: 'NONE' };
    case 'TOWN':
      return { kind: 'ALL' };
    case 'AREA':
      return user.area ? { kind: 'AREA', area: user.area } : { kind: 'NONE' };
    case 'SCHOOL':
      return user.school ? { kind: 'SCHOOL', school: user.school } : { kind: 'NONE' };
    case 'CLASS':
      return user.school && user.grade !== null && user.className
        ? { kind: 'CLASS', school: user.school, grade: user.grade, className: user.className }
        : { kind: 'NONE' };
    case 'STAGES':
      return row.stages && row.stages.length > 0 ? { kind: 'STAGES', stages: row.stages } : { kind: 'NONE' };
  }
}

export function inCaseScope(scope: CaseScope, facts: CaseScopeFacts): boolean {
  switch (scope.kind) {
    case 'ALL':
      return true;
    case 'NONE':
      return false;
    case 'AREA':
      return facts.area === scope.area;
    case 'SCHOOL':
      return facts.school === scope.school;
    case 'CLASS':
      return facts.school === scope.school && facts.grade === scope.grade && facts.className === scope.className;
    case 'STAGES':
      return scope.stages.includes(facts.stage);
  }
}

/** Inside the user's town and its role's scope there. */
export function mayReadCase(user: ScopedUser, facts: CaseScopeFacts): boolean {
  return facts.town === user.town && inCaseScope(caseScope(user), facts);
}

/** Whether the user may report this child: its row allows reports and the new case (at HOME_VISIT) would be in its scope. */
export function mayReport(user: ScopedUser, child: { town: string; area: string; school: string; grade: number; className: string }): boolean {
  return PERMISSIONS[user.role]?.report === true && mayReadCase(user, { ...child, stage: 'HOME_VISIT' });
}

/** What decides whether a child is in a scope: its town and place (a child has no stage). */
export type ChildScopeFacts = Omit<CaseScopeFacts, 'stage'>;

/** The children a user lists and reads: its case scope without stages (a stage-scoped role has no children of its own). */
export function childScope(user: ScopedUser): CaseScope {
  const access = PERMISSIONS[user.role]?.children ?? 'NONE';
  const scope = caseScope(user);
  return access === 'NONE' || scope.kind === 'STAGES' ? { kind: 'NONE' } : scope;
}

export function mayReadChild(user: ScopedUser, child: ChildScopeFacts): boolean {
  const scope = childScope(user);
  return child.town === user.town && scope.kind !== 'STAGES' && inCaseScope(scope, { ...child, stage: 'HOME_VISIT' });
}

/** Registers or corrects this child (before and after a change: a child cannot be moved out of one's scope). */
export function mayWriteChild(user: ScopedUser, child: ChildScopeFacts): boolean {
  return PERMISSIONS[user.role]?.children === 'WRITE' && mayReadChild(user, child);
}

export function registryAccess(role: Role): RegistryAccess {
  return PERMISSIONS[role]?.children ?? 'NONE';
}

const CHILD_SCOPE_LABELS: Record<ReadScope, Label> = {
  TOWN: { zh: '全镇儿童', en: 'all children of the town' },
  SCHOOL: { zh: '本校学生', en: "their school's pupils" },
  CLASS: { zh: '本班学生（学校+年级+班级）', en: "their class's pupils (school + grade + class)" },
  AREA: { zh: '本责任区（村/社区）的儿童', en: "their area's children (village or community)" },
  STAGES: { zh: '无', en: 'none' },
  NONE: { zh: '无', en: 'none' },
};

/** Which children a role reads, in words. */
export function childScopeLabel(role: Role): Label {
  return registryAccess(role) === 'NONE' ? CHILD_SCOPE_LABELS.STAGES : CHILD_SCOPE_LABELS[PERMISSIONS[role].read];
}

const REGISTRY_ACCESS_LABELS: Record<RegistryAccess, string> = {
  WRITE: '登记、更正、查看 / register, correct, read',
  READ: '查看 / read',
  NONE: '—',
};

/** Who may do what in the children's registry, as Markdown (docs/registry.md carries it). */
export function childrenTableMarkdown(): string {
  return [
    '| role | 儿童名册 children registry | 范围 scope |',
    '| --- | --- | --- |',
    ...ROLES.map((role) => {
      const access = registryAccess(role);
      const scope = access === 'NONE' ? '—' : `${childScopeLabel(role).zh} / ${childScopeLabel(role).en}`;
      return `| \`${role}\` ${ROLE_LABELS[role].zh} | ${REGISTRY_ACCESS_LABELS[access]} | ${scope} |`;
    }),
  ].join('\n');
}

export function mayAct(role: Role, type: ActionType): boolean {
  return PERMISSIONS[role]?.actions.includes(type) ?? false;
}

/** The role's action types, in the vocabulary's order. */
export function actionsOf(role: Role): ActionType[] {
  return ACTION_TYPES.filter((type) => mayAct(role, type));
}

/** What the engine allows now, narrowed to what the role may do (the `allowedActions` users see). */
export function visibleActions(role: Role, allowed: readonly ActionType[]): ActionType[] {
  return allowed.filter((type) => mayAct(role, type));
}

export function seesFullIdentity(role: Role): boolean {
  return PERMISSIONS[role]?.fullIdentity === true;
}

export function mayReadAudit(role: Role): boolean {
  return PERMISSIONS[role]?.readAudit === true;
}

export function mayReportAtAll(role: Role): boolean {
  return PERMISSIONS[role]?.report === true;
}

const READ_LABELS: Record<ReadScope, Label> = {
  TOWN: { zh: '全镇案件', en: 'all cases of the town' },
  SCHOOL: { zh: '本校学生的案件', en: "their school's cases" },
  CLASS: { zh: '本班学生的案件（学校+年级+班级）', en: "their class's cases (school + grade + class)" },
  AREA: { zh: '本责任区（村/社区）的案件', en: "their area's cases (village or community)" },
  STAGES: { zh: '处于以下阶段的案件', en: 'cases at' },
  NONE: { zh: '无', en: 'none' },
};

/** How a role's read scope reads in words. */
export function readScopeLabel(role: Role): Label {
  const row = PERMISSIONS[role];
  const base = READ_LABELS[row.read];
  if (row.read !== 'STAGES') return base;
  const stages = row.stages ?? [];
  return {
    zh: `${base.zh}：${stages.map((s) => STAGE_LABELS[s].zh).join('、')}`,
    en: `${base.en} ${stages.join(' or ')}`,
  };
}

/** The table as Markdown, for the OpenAPI description (docs/security.md carries the same table). */
export function permissionTableMarkdown(): string {
  const rows = ROLES.map((role) => {
    const row = PERMISSIONS[role];
    const actions =
      row.actions.length === ACTION_TYPES.length ? '全部 / all' : row.actions.length === 0 ? '—' : row.actions.map((a) => `\`${a}\` ${EVENT_LABELS[a].zh}`).join(', ');
    return [
      `\`${role}\` ${ROLE_LABELS[role].zh}`,
      `${readScopeLabel(role).zh} / ${readScopeLabel(role).en}`,
      row.report ? '✓' : '—',
      actions,
      row.fullIdentity ? '✓' : '掩码 / masked',
      row.readAudit ? '✓' : '—',
    ];
  });
  return [
    '| role | 读 reads | 报告 reports | 办理 actions | 详情中的身份证号、电话 / ID number, phones in detail | 审计 audit |',
    '| --- | --- | --- | --- | --- | --- |',
    ...rows.map((cells) => `| ${cells.join(' | ')} |`),
  ].join('\n');
}

/**
 * Who issues which of the chain's documents (src/documents), on a case they read: the ledger keepers
 * any; schools and villages the enrolment notice (schools) and the home-visit record; the town
 * office the criticism record and the order to correct; the justice office the judicial document's
 * cover and the referral. Reading and downloading documents and the evidence pack follows the
 * case's read scope. Keep docs/documents.md in step.
 */
export const DOCUMENT_ISSUERS: Record<DocumentKind, readonly Role[]> = {
  ENROLMENT_NOTICE: ['COORDINATOR', 'DAILY_OFFICER', 'PRINCIPAL', 'TEACHER', 'TOWN_OFFICE'],
  HOME_VISIT_RECORD: ['COORDINATOR', 'DAILY_OFFICER', 'PRINCIPAL', 'TEACHER', 'VILLAGE_SECRETARY', 'VILLAGE_CADRE'],
  CRITICISM_RECORD: ['COORDINATOR', 'DAILY_OFFICER', 'TOWN_OFFICE'],
  CORRECTION_ORDER: ['COORDINATOR', 'DAILY_OFFICER', 'TOWN_OFFICE'],
  JUDICIAL_COVER: ['COORDINATOR', 'DAILY_OFFICER', 'JUSTICE_OFFICE'],
  LEGAL_REFERRAL: ['COORDINATOR', 'DAILY_OFFICER', 'JUSTICE_OFFICE'],
};

export function mayIssueDocument(role: Role, kind: DocumentKind): boolean {
  return DOCUMENT_ISSUERS[kind]?.includes(role) ?? false;
}

/** The kinds a role issues, in the documents' order. */
export function documentKindsOf(role: Role): DocumentKind[] {
  return DOCUMENT_KINDS.filter((kind) => mayIssueDocument(role, kind));
}
