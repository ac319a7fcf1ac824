import { CaseEventEntity } from './case-event.entity';
import { CaseEntity } from './case.entity';
import { ChildEntity } from './child.entity';
import { GuardianEntity } from './guardian.entity';
import { PolicyEntity } from './policy.entity';

export { CaseEventEntity, CaseEntity, ChildEntity, GuardianEntity, PolicyEntity };

export const READ_MODEL_ENTITIES = [ChildEntity, GuardianEntity, CaseEntity, CaseEventEntity, PolicyEntity];
