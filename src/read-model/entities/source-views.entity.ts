import { ViewColumn, ViewEntity } from 'typeorm';

/*
 * The current data of the four sources, as the cross-check reads them (migration
 * 1767000000000-source-imports creates the views; `synchronize: false`, so TypeORM never
 * rewrites them). Register, roll and poverty list: the latest version per town + kind + scope.
 * Attendance: every day ever imported, the latest version's mark for a child and day.
 * Each row names its import and spreadsheet row: the evidence.
 */

abstract class CurrentRecord {
  @ViewColumn({ name: 'town_code' })
  townCode!: string;

  @ViewColumn({ name: 'id_number' })
  idNumber!: string | null;

  @ViewColumn()
  name!: string;

  @ViewColumn({ name: 'import_id' })
  importId!: string;

  @ViewColumn()
  sheet!: string;

  @ViewColumn({ name: 'row_number' })
  rowNumber!: number;
}

@ViewEntity({ name: 'current_register', synchronize: false })
export class CurrentRegisterView extends CurrentRecord {
  @ViewColumn({ name: 'birth_date' })
  birthDate!: string;

  @ViewColumn()
  sex!: 'M' | 'F' | null;

  @ViewColumn()
  area!: string | null;

  @ViewColumn()
  address!: string | null;

  @ViewColumn({ name: 'villager_group' })
  villagerGroup!: string | null;

  @ViewColumn({ name: 'household_head' })
  householdHead!: string | null;

  @ViewColumn()
  relation!: string | null;
}

@ViewEntity({ name: 'current_roll', synchronize: false })
export class CurrentRollView extends CurrentRecord {
  @ViewColumn()
  school!: string;

  @ViewColumn({ name: 'student_number' })
  studentNumber!: string;

  @ViewColumn({ name: 'birth_date' })
  birthDate!: string;

  @ViewColumn()
  sex!: 'M' | 'F' | null;

  @ViewColumn()
  grade!: number | null;

  @ViewColumn({ name: 'class_name' })
  className!: string | null;
}

@ViewEntity({ name: 'attendance_days', synchronize: false })
export class AttendanceDayView extends CurrentRecord {
  @ViewColumn()
  school!: string;

  @ViewColumn({ name: 'student_number' })
  studentNumber!: string | null;

  /** YYYY-MM-DD. */
  @ViewColumn()
  day!: string;

  @ViewColumn()
  absent!: boolean;

  @ViewColumn()
  reason!: string | null;
}

@ViewEntity({ name: 'current_poverty', synchronize: false })
export class CurrentPovertyView extends CurrentRecord {
  @ViewColumn({ name: 'birth_date' })
  birthDate!: string | null;

  @ViewColumn({ name: 'household_head' })
  householdHead!: string | null;

  @ViewColumn()
  area!: string | null;

  @ViewColumn()
  category!: string | null;
}
