import { Check, Column, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn } from 'typeorm';
import { SourceImportEntity } from './source-import.entity';

const ID_NUMBER_CHECK = `id_number ~ '^[1-9][0-9]{16}[0-9X]$'`;

/** Where a record came from: its import and the spreadsheet row (the evidence a cross-check cites). */
abstract class SourceRecord {
  @PrimaryColumn({ name: 'import_id', type: 'uuid' })
  importId!: string;

  @PrimaryColumn({ type: 'text' })
  sheet!: string;

  /** The spreadsheet's row number (1 = the first row of the sheet). */
  @PrimaryColumn({ name: 'row_number', type: 'integer' })
  rowNumber!: number;

  @Column({ name: 'town_code', type: 'text' })
  townCode!: string;

  /** 18-digit ID number (GB 11643, checksum verified), or null where the file has none. */
  @Column({ name: 'id_number', type: 'text', nullable: true })
  idNumber!: string | null;

  @Column({ type: 'text' })
  name!: string;
}

/** A person of the household register extract (户籍). */
@Entity({ name: 'register_records' })
@Index('register_records_import_id_number_key', ['importId', 'idNumber'], { unique: true })
@Check('register_records_sex_check', `sex IN ('M', 'F')`)
@Check('register_records_id_number_check', ID_NUMBER_CHECK)
export class RegisterRecordEntity extends SourceRecord {
  @ManyToOne(() => SourceImportEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'import_id', foreignKeyConstraintName: 'register_records_import_id_fkey' })
  sourceImport?: SourceImportEntity;

  /** YYYY-MM-DD. */
  @Column({ name: 'birth_date', type: 'date' })
  birthDate!: string;

  @Column({ type: 'text', nullable: true })
  sex!: 'M' | 'F' | null;

  /** Responsibility area code of the town file, when the 村(社区) was recognised. */
  @Column({ type: 'text', nullable: true })
  area!: string | null;

  @Column({ name: 'villager_group', type: 'text', nullable: true })
  villagerGroup!: string | null;

  @Column({ type: 'text', nullable: true })
  address!: string | null;

  /** 户主姓名. */
  @Column({ name: 'household_head', type: 'text', nullable: true })
  householdHead!: string | null;

  /** 与户主关系. */
  @Column({ type: 'text', nullable: true })
  relation!: string | null;
}

/** A student of a school's roll extract (学籍). */
@Entity({ name: 'roll_records' })
@Index('roll_records_import_student_number_key', ['importId', 'studentNumber'], { unique: true })
@Index('roll_records_import_id_number_key', ['importId', 'idNumber'], { unique: true })
@Check('roll_records_sex_check', `sex IN ('M', 'F')`)
@Check('roll_records_grade_check', 'grade BETWEEN 1 AND 9')
@Check('roll_records_id_number_check', ID_NUMBER_CHECK)
export class RollRecordEntity extends SourceRecord {
  @ManyToOne(() => SourceImportEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'import_id', foreignKeyConstraintName: 'roll_records_import_id_fkey' })
  sourceImport?: SourceImportEntity;

  /** School code of the town file (the import's scope). */
  @Column({ type: 'text' })
  school!: string;

  /** 学籍号 (全国学籍号), as the roll system writes it. */
  @Column({ name: 'student_number', type: 'text' })
  studentNumber!: string;

  @Column({ name: 'birth_date', type: 'date' })
  birthDate!: string;

  @Column({ type: 'text', nullable: true })
  sex!: 'M' | 'F' | null;

  @Column({ type: 'integer', nullable: true })
  grade!: number | null;

  @Column({ name: 'class_name', type: 'text', nullable: true })
  className!: string | null;
}

/** One child's mark for one school day of an attendance sheet (考勤). */
@Entity({ name: 'attendance_records' })
@Index('attendance_records_child_day_idx', ['townCode', 'school', 'studentNumber', 'day'])
@Check('attendance_records_child_check', 'student_number IS NOT NULL OR id_number IS NOT NULL')
@Check('attendance_records_id_number_check', ID_NUMBER_CHECK)
export class AttendanceRecordEntity extends SourceRecord {
  @ManyToOne(() => SourceImportEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'import_id', foreignKeyConstraintName: 'attendance_records_import_id_fkey' })
  sourceImport?: SourceImportEntity;

  /** YYYY-MM-DD; a weekly grid row gives several. */
  @PrimaryColumn({ type: 'date' })
  day!: string;

  @Column({ type: 'text' })
  school!: string;

  @Column({ name: 'student_number', type: 'text', nullable: true })
  studentNumber!: string | null;

  @Column({ type: 'boolean' })
  absent!: boolean;

  /** e.g. 病假：发烧 (a kind of leave and the note); null for an unexplained absence. */
  @Column({ type: 'text', nullable: true })
  reason!: string | null;
}

/** A person of the poverty-monitoring list (脱贫户/监测户). */
@Entity({ name: 'poverty_records' })
@Index('poverty_records_import_id_number_key', ['importId', 'idNumber'], { unique: true })
@Check('poverty_records_id_number_check', ID_NUMBER_CHECK)
export class PovertyRecordEntity extends SourceRecord {
  @ManyToOne(() => SourceImportEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'import_id', foreignKeyConstraintName: 'poverty_records_import_id_fkey' })
  sourceImport?: SourceImportEntity;

  @Column({ name: 'birth_date', type: 'date', nullable: true })
  birthDate!: string | null;

  @Column({ name: 'household_head', type: 'text', nullable: true })
  householdHead!: string | null;

  @Column({ type: 'text', nullable: true })
  area!: string | null;

  /** 脱贫户, 脱贫不稳定户, 边缘易致贫户, 突发严重困难户 … as the list writes it. */
  @Column({ type: 'text', nullable: true })
  category!: string | null;
}
