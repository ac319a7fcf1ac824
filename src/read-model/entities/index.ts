import { CaseEventEntity } from './case-event.entity';
import { CaseEntity } from './case.entity';
import { ChildEntity } from './child.entity';
import { GuardianEntity } from './guardian.entity';
import { PolicyEntity } from './policy.entity';
import { UserEntity } from './user.entity';
import { AuditEntryEntity } from './audit-entry.entity';
import { SupportMeasureEntity } from './support-measure.entity';

export { CaseEventEntity, CaseEntity, ChildEntity, GuardianEntity, PolicyEntity, UserEntity, AuditEntryEntity, SupportMeasureEntity };
export { AUDIT_KINDS } from './audit-entry.entity';
export type { AuditKind } from './audit-entry.entity';

export const READ_MODEL_ENTITIES = [ChildEntity, GuardianEntity, CaseEntity, CaseEventEntity, PolicyEntity, UserEntity, AuditEntryEntity, SupportMeasureEntity];
