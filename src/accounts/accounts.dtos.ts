import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsBoolean, IsIn, IsInt, IsNotEmpty, IsOptional, IsString, Matches, Max, MaxLength, Min, ValidateIf } from 'class-validator';
import { ROLES, Role } from '../access/roles';
import { LabelDto } from '../api/cases/case.views';
import { USERNAME_PATTERN } from '../api/auth/user-store';
import { toBoolean } from '../api/validation/query-params';
import { zh } from '../api/validation/field-errors';

const USERNAME_RULE = zh('用户名只能用小写字母、数字和 . _ -，以字母或数字开头，最多 50 个字符');

export class ChainPostDto {
  @ApiProperty({ example: 'CLASS_TEACHER', description: '责任链中的岗位 / the post in the responsibility chains' })
  post!: string;

  @ApiProperty({ type: LabelDto })
  label!: LabelDto;
}

export class VacantPostDto extends ChainPostDto {
  @ApiProperty({ example: 'sec-lancao', description: '责任链文件中写的用户名 / the user name the chains file gives' })
  username!: string;
}

export class AccountDto {
  @ApiProperty({ format: 'uuid' })
  id!: string;

  @ApiProperty({ example: 'wang.li' })
  username!: string;

  @ApiProperty({ example: '王丽' })
  displayName!: string;

  @ApiProperty({ enum: ROLES, example: 'TEACHER' })
  role!: Role;

  @ApiProperty({ type: LabelDto })
  roleLabel!: LabelDto;

  @ApiProperty({ example: 'GULING' })
  town!: string;

  @ApiPropertyOptional({ type: 'string', nullable: true, example: null, description: '责任区代码（村干部）/ area code (village roles)' })
  area!: string | null;

  @ApiPropertyOptional({ type: 'string', nullable: true, example: 'GULING_PRIMARY', description: '学校代码（校长、班主任）/ school code' })
  school!: string | null;

  @ApiPropertyOptional({ type: 'integer', nullable: true, example: 5 })
  grade!: number | null;

  @ApiPropertyOptional({ type: 'string', nullable: true, example: '五年级二班' })
  className!: string | null;

  @ApiPropertyOptional({ type: 'string', nullable: true, example: '13800138000', description: '手机号（短信通知）/ mobile number (SMS notifications)' })
  phone!: string | null;

  @ApiPropertyOptional({ type: 'string', nullable: true, example: 'WangLi', description: '企业微信 userid（企业微信通知）/ WeCom userid (WeCom notifications)' })
  wecomUserId!: string | null;

  @ApiProperty({ description: '在用；停用的账号不能登录 / active; a switched-off account cannot log in' })
  active!: boolean;

  @ApiProperty({ description: '持一次性密码，首次登录须修改 / holds a one-time password that must be changed at the next log-in' })
  mustChangePassword!: boolean;

  @ApiProperty({ description: '演示账号 / a demo account' })
  demo!: boolean;

  @ApiProperty({ type: ChainPostDto, isArray: true, description: '责任链中由此账号担任的岗位（在 towns/<镇>.responsibility.json 中维护）/ the chain posts naming this account (kept in the chains file)' })
  posts!: ChainPostDto[];

  @ApiProperty({ format: 'date-time' })
  createdAt!: string;

  @ApiProperty({ format: 'date-time' })
  updatedAt!: string;
}

export class AccountListDto {
  @ApiProperty({ type: AccountDto, isArray: true })
  items!: AccountDto[];

  @ApiProperty({ example: 42 })
  total!: number;

  @ApiProperty({
    type: VacantPostDto,
    isArray: true,
    description: '责任链中没有在用账号的岗位（其任务无人接收）/ chain posts naming nobody with an active account (their tasks wait unread)',
  })
  vacantPosts!: VacantPostDto[];
}

export class ListAccountsQueryDto {
  @ApiPropertyOptional({ enum: ROLES })
  @IsOptional()
  @IsIn(ROLES)
  role?: Role;

  @ApiPropertyOptional({ type: 'boolean', description: 'true 在用，false 已停用 / true active, false switched off' })
  @IsOptional()
  @toBoolean()
  @IsBoolean()
  active?: boolean;

  @ApiPropertyOptional({ maxLength: 50, description: '按用户名或姓名查找 / search user name or display name' })
  @IsOptional()
  @IsString()
  @MaxLength(50)
  q?: string;
}

export const MOBILE_PATTERN = /^1[3-9]\d{9}$/;
export const WECOM_USER_ID_PATTERN = /^[A-Za-z0-9._@-]{1,64}$/;

/** The place of an account, checked against the role by the service (ACCOUNT.PLACE_REQUIRED); and where its notifications go. */
class AccountPlaceDto {
  @ApiPropertyOptional({ type: 'string', nullable: true, example: '13800138000', pattern: MOBILE_PATTERN.source, description: '手机号：11 位大陆手机号，null 清除 / mainland mobile number (11 digits), null clears it' })
  @IsOptional()
  @ValidateIf((_o, v) => v !== null)
  @IsString()
  @Matches(MOBILE_PATTERN, { message: 'phone must be a mainland mobile number: 11 digits starting 13-19', ...zh('手机号须为 11 位大陆手机号（1 开头，第二位 3-9）') })
  phone?: string | null;

  @ApiPropertyOptional({ type: 'string', nullable: true, example: 'WangLi', pattern: WECOM_USER_ID_PATTERN.source, description: '企业微信 userid（通讯录中的账号），null 清除 / the WeCom userid (from the contacts), null clears it' })
  @IsOptional()
  @ValidateIf((_o, v) => v !== null)
  @IsString()
  @Matches(WECOM_USER_ID_PATTERN, { message: 'wecomUserId must be 1-64 letters, digits or . _ @ -', ...zh('企业微信 userid 只能用字母、数字和 . _ @ -，最多 64 个字符') })
  wecomUserId?: string | null;

  @ApiPropertyOptional({ type: 'string', nullable: true, example: 'GAOPING', maxLength: 50, description: '责任区代码或中文名（村支书、村干部）/ area code or Chinese name (village roles)' })
  @IsOptional()
  @ValidateIf((_o, v) => v !== null)
  @IsString()
  @MaxLength(50)
  area?: string | null;

  @ApiPropertyOptional({ type: 'string', nullable: true, example: 'GULING_PRIMARY', maxLength: 50, description: '学校代码或中文名（校长、班主任）/ school code or Chinese name' })
  @IsOptional()
  @ValidateIf((_o, v) => v !== null)
  @IsString()
  @MaxLength(50)
  school?: string | null;

  @ApiPropertyOptional({ type: 'integer', nullable: true, minimum: 1, maximum: 9, example: 5, description: '年级（班主任）/ grade (class teacher)' })
  @IsOptional()
  @ValidateIf((_o, v) => v !== null)
  @IsInt()
  @Min(1)
  @Max(9)
  grade?: number | null;

  @ApiPropertyOptional({ type: 'string', nullable: true, maxLength: 50, example: '五年级二班', description: '班级（班主任）/ class (class teacher)' })
  @IsOptional()
  @ValidateIf((_o, v) => v !== null)
  @IsString()
  @IsNotEmpty()
  @MaxLength(50)
  className?: string | null;
}

export class CreateAccountRequestDto extends AccountPlaceDto {
  @ApiProperty({ example: 'wang.li', pattern: USERNAME_PATTERN.source, description: '用户名：小写字母、数字、. _ -（不分大小写，存为小写）/ lower case letters, digits, . _ -' })
  @IsString()
  @Matches(/^[A-Za-z0-9][A-Za-z0-9._-]{0,49}$/, { message: 'username must be letters, digits, . _ - (up to 50)', ...USERNAME_RULE })
  username!: string;

  @ApiProperty({ example: '王丽', maxLength: 50, description: '姓名，记入案件的办理人 / the name written into case events' })
  @IsString()
  @IsNotEmpty()
  @MaxLength(50)
  displayName!: string;

  @ApiProperty({ enum: ROLES, example: 'TEACHER' })
  @IsIn(ROLES)
  role!: Role;
}

export class UpdateAccountRequestDto extends AccountPlaceDto {
  @ApiPropertyOptional({ example: '王丽', maxLength: 50 })
  @IsOptional()
  @IsString()
  @IsNotEmpty()
  @MaxLength(50)
  displayName?: string;

  @ApiPropertyOptional({ enum: ROLES })
  @IsOptional()
  @IsIn(ROLES)
  role?: Role;

  @ApiPropertyOptional({ type: 'boolean', description: 'false 停用（其登录全部结束），true 恢复 / false switches the account off (its sessions end), true back on' })
  @IsOptional()
  @IsBoolean()
  active?: boolean;
}

export class CreatedAccountDto {
  @ApiProperty({ type: AccountDto })
  account!: AccountDto;

  @ApiProperty({
    example: 'k7Qm-2xRt-9pWz',
    description: '一次性密码：只显示这一次，请当面或电话告知本人；首次登录须修改 / the one-time password, shown this once: tell the person in person or by phone; changed at the first log-in',
  })
  oneTimePassword!: string;
}

export class PasswordResetDto {
  @ApiProperty({ type: AccountDto })
  account!: AccountDto;

  @ApiProperty({ example: 'k7Qm-2xRt-9pWz', description: '新的一次性密码（只显示这一次）/ the new one-time password, shown this once' })
  oneTimePassword!: string;
}
