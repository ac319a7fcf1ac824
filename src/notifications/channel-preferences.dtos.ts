import { ApiProperty } from '@nestjs/swagger';
import { IsBoolean } from 'class-validator';
import { LabelDto } from '../api/cases/case.views';
import { zh } from '../api/validation/field-errors';

export class MyChannelDto {
  @ApiProperty({ example: 'sms', description: '渠道 / channel: in-app, sms, wecom' })
  channel!: string;

  @ApiProperty({ type: LabelDto })
  label!: LabelDto;

  @ApiProperty({ description: '本人可以关闭（站内通知不能关闭）/ the person may turn it off (the inbox cannot be)' })
  optional!: boolean;

  @ApiProperty({ description: '本人是否接收 / whether the person receives it' })
  enabled!: boolean;

  @ApiProperty({ type: 'string', nullable: true, example: '138****8000', description: '账号上登记的地址（手机号打码），没有则为 null：请找本镇账号管理员登记 / the address on the account (number masked); null: ask the town administrator to add it' })
  address!: string | null;
}

export class MyChannelListDto {
  @ApiProperty({ type: [MyChannelDto] })
  items!: MyChannelDto[];
}

export class ChannelPreferenceRequestDto {
  @ApiProperty({ example: false, description: 'false 关闭此渠道，true 重新打开 / false turns the channel off for you, true back on' })
  @IsBoolean({ message: 'enabled must be true or false', ...zh('enabled 须为 true 或 false') })
  enabled!: boolean;
}
