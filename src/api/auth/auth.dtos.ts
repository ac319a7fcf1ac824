import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsNotEmpty, IsString, Matches, MaxLength } from 'class-validator';
import { MAX_PASSWORD_LENGTH, MIN_PASSWORD_LENGTH } from './password-rule';
import { REFRESH_TOKEN_PATTERN } from './sessions';
import { zh } from '../validation/field-errors';
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

  @ApiProperty({ example: 900, description: '访问令牌有效秒数 / seconds until the access token expires' })
  expiresIn!: number;

  @ApiProperty({
    example: 'mF3r2w9yQn6c1Jk0bX8pZt5aLs7dEv4hUo2iYg1qWeR',
    description:
      '刷新令牌（一次有效）：访问令牌过期前用 POST /api/auth/refresh 换取新的一对；用过的刷新令牌再次出现时整个会话被注销。' +
      ' / Refresh token, good once: trade it at POST /api/auth/refresh for a new pair before the access token expires; a used one presented again revokes the whole session.',
  })
  refreshToken!: string;

  @ApiProperty({ format: 'date-time', description: '会话的最终期限（自登录起，默认 10 小时），之后须重新登录 / the session\'s absolute end (from the log-in, 10 h by default); log in again after it' })
  sessionExpiresAt!: string;

  @ApiProperty({
    description: '为 true 时须先修改密码（POST /api/auth/password），其他接口回答 403 AUTH.PASSWORD_CHANGE_REQUIRED / when true, change the password first; every other route answers 403',
  })
  passwordChangeRequired!: boolean;

  @ApiProperty({ type: UserDto })
  user!: UserDto;
}

export class RefreshRequestDto {
  @ApiProperty({ minLength: 43, maxLength: 43, pattern: '^[A-Za-z0-9_-]{43}$', description: '登录或上次刷新得到的刷新令牌 / the refresh token of the log-in or of the last refresh' })
  @IsString()
  @Matches(REFRESH_TOKEN_PATTERN, { message: 'refreshToken is not a refresh token', ...zh('不是有效的刷新令牌，请重新登录') })
  refreshToken!: string;
}

export class ChangePasswordRequestDto {
  @ApiProperty({ minLength: 1, maxLength: 200, format: 'password', description: '当前密码（或管理员给的一次性密码）/ the current password, or the one-time password' })
  @IsString()
  @IsNotEmpty()
  @MaxLength(200)
  oldPassword!: string;

  @ApiProperty({
    minLength: MIN_PASSWORD_LENGTH,
    maxLength: MAX_PASSWORD_LENGTH,
    format: 'password',
    description: '新密码：至少 10 个字符，包含字母和数字，不含用户名，不同于原密码 / at least 10 characters, letters and digits, not the user name or the old password',
  })
  @IsString()
  @IsNotEmpty()
  @MaxLength(MAX_PASSWORD_LENGTH)
  newPassword!: string;
}
