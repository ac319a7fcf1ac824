/**
 * The API's part of a transfer between towns (the workflow decides the rest, case-machine.ts):
 * - REQUEST_TRANSFER names another town of this deployment, by code or name (the name without its
 *   county will do where it is one town's; else 400
 *   TRANSFER.TOWN_UNKNOWN listing them);
 * - ACCEPT_TRANSFER and DECLINE_TRANSFER come from the receiving town while the case waits for it
 *   (a case it cannot read otherwise); accepted, the child is copied into its registry at the place
 *   it gives (area and school of its own town, else 400 AREA/SCHOOL.UNKNOWN).
 */
import type { DataSource } from 'typeorm';
import type { ScopedUser } from '../access/permissions';
import type { Town, Towns } from '../read-model/town';
import type { ActionOf, TransferAcceptance } from '../workflows/messages';
import { ActionType, TRANSFER_DECISIONS } from '../workflows/vocabulary';
import { ApiError } from '../api/errors';
import { resolveArea, resolveSchool } from '../api/town-codes';
import { dropReceivedChild, receiveChild } from './receive-child';

/** An answer to a transfer, by a user of the town it waits for (not the case's own town). */
export function isAnswerOfReceivingTown(type: ActionType, facts: { town: string; transferPendingTo: string | null }, user: ScopedUser): boolean {
  return (TRANSFER_DECISIONS as readonly string[]).includes(type) && facts.transferPendingTo === user.town && facts.town !== user.town;
}

/** The code of the receiving town the request names (code or Chinese/English name), another town of the deployment. */
export function receivingTownOf(towns: Towns, value: string, user: ScopedUser): string {
  const wanted = value.trim().toLowerCase();
  const others = towns.all.filter((t) => t.code !== user.town);
  const exact = others.find((t) => [t.code, t.name.zh, t.name.en].some((k) => k.toLowerCase() === wanted));
  if (exact) return exact.code;
  // People write the town without its county (新河镇 for 测试县新河镇): taken when it names one town only.
  const bySuffix = wanted.length >= 2 ? others.filter((t) => t.name.zh.endsWith(value.trim())) : [];
  if (bySuffix.length === 1) return bySuffix[0].code;
  throw new ApiError('TRANSFER.TOWN_UNKNOWN', {
    zh: `"${value.slice(0, 40)}"不是本部署的其他乡镇。可选：${others.map((t) => `${t.code} ${t.name.zh}`).join('、') || '无（本部署只有一个乡镇）'}`,
    en: `"${value.slice(0, 40)}" is not another town of this deployment. Valid: ${others.map((t) => `${t.code} (${t.name.en})`).join(', ') || 'none (this deployment serves one town)'}`,
    details: { field: 'toTown', value: value.slice(0, 40), validValues: others.map((t) => ({ code: t.code, name: t.name })) },
  });
}

/**
 * The receiving town's codes for the place given, and its copy of the child's record; `undo` takes
 * a copy made now out again when the engine does not take the acceptance.
 */
export async function receivingPlace(
  dataSource: DataSource,
  town: Town,
  action: ActionOf<'ACCEPT_TRANSFER'>,
  fromChildId: string,
): Promise<{ receiving: NonNullable<TransferAcceptance['receiving']>; undo: () => Promise<void> }> {
  const area = resolveArea(town, action.area, 'area').code;
  const school = resolveSchool(town, action.school, 'school').code;
  action.area = area;
  action.school = school;
  const child = await receiveChild(dataSource, fromChildId, { town: town.code, area, school, grade: action.grade, className: action.className });
  return { receiving: { town: town.code, childId: child.id }, undo: async () => (child.created ? dropReceivedChild(dataSource, child.id) : undefined) };
}
