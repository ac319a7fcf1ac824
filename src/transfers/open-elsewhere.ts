/**
 * 409 CASE.ALREADY_OPEN for a child whose open case is another town's: it names that town (and its
 * coordinator, whom to call), and nothing of the case or the child there (no case id, no fields:
 * the reporting town may not read another town's case). The way on is a transfer, asked by the
 * town that holds the case.
 */
import type { Towns } from '../read-model/town';
import { ApiError } from '../api/errors';

export function openInOtherTownError(towns: Towns, townCode: string): ApiError {
  const town = towns.has(townCode) ? towns.get(townCode) : undefined;
  const name = town?.name ?? { zh: townCode, en: townCode };
  const coordinator = town?.leadingGroup.coordinator?.name;
  return new ApiError('CASE.ALREADY_OPEN', {
    zh: `该儿童已在${name.zh}有未结案件（一人一案，全县/区通查）。请联系${name.zh}${coordinator ? `（统筹负责人 ${coordinator}）` : ''}，由其将案件移交本镇`,
    en: `The child already has an open case in ${name.en} (one child, one open case across the deployment). Contact ${name.en}${coordinator ? ` (coordinator ${coordinator})` : ''} to transfer the case to your town`,
    details: { town: townCode, townName: name },
  });
}
