import { CaseEventEntity } from './case-event.entity';
import { CaseEntity } from './case.entity';
import { ChildEntity } from './child.entity';
import { GuardianEntity } from './guardian.entity';
import { PolicyEntity } from './policy.entity';
import { UserEntity } from './user.entity';
import { AuditEntryEntity } from './audit-entry.entity';
import { SupportMeasureEntity } from './support-measure.entity';
import { ImportEntity } from './import.entity';
import { SourceImportEntity } from './source-import.entity';
import { AttendanceRecordEntity, PovertyRecordEntity, RegisterRecordEntity, RollRecordEntity } from './source-records.entity';
import { AttendanceDayView, CurrentPovertyView, CurrentRegisterView, CurrentRollView } from './source-views.entity';

export { CaseEventEntity, CaseEntity, ChildEntity, GuardianEntity, PolicyEntity, UserEntity, AuditEntryEntity, SupportMeasureEntity, ImportEntity };
export { SourceImportEntity, RegisterRecordEntity, RollRecordEntity, AttendanceRecordEntity, PovertyRecordEntity };
export { CurrentRegisterView, CurrentRollView, AttendanceDayView, CurrentPovertyView };
export { SOURCE_KINDS, SOURCE_IMPORT_STATUSES } from './source-import.entity';
export type { SourceKind, SourceImportStatus } from './source-import.entity';
export { AUDIT_KINDS } from './audit-entry.entity';
export type { AuditKind } from './audit-entry.entity';

export const READ_MODEL_ENTITIES = [ChildEntity, GuardianEntity, CaseEntity, CaseEventEntity, PolicyEntity, UserEntity, AuditEntryEntity, SupportMeasureEntity, ImportEntity,
  SourceImportEntity, RegisterRecordEntity, RollRecordEntity, AttendanceRecordEntity, PovertyRecordEntity,
  CurrentRegisterView, CurrentRollView, AttendanceDayView, CurrentPovertyView];
