import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsNotEmpty, IsString, MaxLength } from 'class-validator';
import { ACTION_TYPES, ActionType } from '../../workflows/vocabulary';
import { LabelDto } from '../cases/case.views';
import { ROLES, Role } from '../../access/roles';

export class LoginRequestDto {
  @ApiProperty({ example: 'teacher', minLength: 1, maxLength: 100, description: '用户名（不分大小写）/ user name, case-insensitive' })
  @IsString()
  @IsNotEmpty()
  @MaxLength(100)
  username!: string;

  // Never a usable password here: the document is public.
  @ApiProperty({ example: '<your password>', minLength: 1, maxLength: 200, format: 'password' })
  @IsString()
  @IsNotEmpty()
  @MaxLength(200)
  password!: string;
}

export class UserPermissionsDto {
  @ApiProperty({ type: LabelDto, description: '可查看的案件 / the cases the user reads' })
  reads!: LabelDto;

  @ApiProperty({ description: '可报告疑似辍学（立案）/ may report a suspected dropout' })
  report!: boolean;

  @ApiProperty({ enum: ACTION_TYPES, isArray: true, description: '可办理的操作类型 / the action types the user may take' })
  actions!: ActionType[];

  @ApiProperty({ description: '案件详情中显示完整身份证号和电话 / sees full ID numbers and phones in a case' })
  fullIdentity!: boolean;

  @ApiProperty({ description: '可查看审计记录 / may read the audit log' })
  readAudit!: boolean;
}

export class UserDto {
  @ApiProperty({ format: 'uuid' })
  id!: string;

  @ApiProperty({ example: 'teacher' })
  username!: string;

  @ApiProperty({ example: '五年级二班班主任' })
  displayName!: string;

  @ApiProperty({ enum: ROLES, example: 'TEACHER' })
  role!: Role;

  @ApiProperty({ type: LabelDto })
  roleLabel!: LabelDto;

  @ApiProperty({ example: 'GULING', description: '所属乡镇代码：只能查看和办理本镇的儿童与案件 / town code: the user sees and acts on this town\'s records only' })
  town!: string;

  @ApiPropertyOptional({ type: 'string', nullable: true, example: null, description: '责任区代码（村干部）/ area code (village roles)' })
  area!: string | null;

  @ApiPropertyOptional({ type: 'string', nullable: true, example: 'GULING_PRIMARY', description: '学校代码（校长、教师）/ school code' })
  school!: string | null;

  @ApiPropertyOptional({ type: 'integer', nullable: true, example: 5 })
  grade!: number | null;

  @ApiPropertyOptional({ type: 'string', nullable: true, example: '五年级二班' })
  className!: string | null;

  @ApiProperty({ example: '五年级二班班主任（teacher）', description: '记入案件事件的办理人 / the actor written into case events' })
  actor!: string;

  @ApiProperty({ type: UserPermissionsDto })
  permissions!: UserPermissionsDto;
}

export class LoginResponseDto {
  @ApiProperty({ description: 'JWT (HS256)；请求时放在 Authorization: Bearer 之后 / send as Authorization: Bearer <accessToken>' })
  accessToken!: string;

  @ApiProperty({ example: 'Bearer' })
  tokenType!: 'Bearer';

  @ApiProperty({ example: 900, description: '有效秒数 / seconds until it expires' })
  expiresIn!: number;

  @ApiProperty({ type: UserDto })
  user!: UserDto;
}
