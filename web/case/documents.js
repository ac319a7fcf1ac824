/*
 * Which documents a role issues (the permission table's DOCUMENT_ISSUERS, src/access/permissions.ts;
 * test/web/navigation.test.ts holds the two together) and their names.
 */
export const DOCUMENT_KINDS = {
  ENROLMENT_NOTICE: { label: ['义务教育入学通知书', 'Enrolment notice'], roles: ['COORDINATOR', 'DAILY_OFFICER', 'PRINCIPAL', 'TEACHER', 'TOWN_OFFICE'] },
  HOME_VISIT_RECORD: { label: ['家访记录', 'Home-visit record'], roles: ['COORDINATOR', 'DAILY_OFFICER', 'PRINCIPAL', 'TEACHER', 'VILLAGE_SECRETARY', 'VILLAGE_CADRE'] },
  CRITICISM_RECORD: { label: ['批评教育记录', 'Criticism record'], roles: ['COORDINATOR', 'DAILY_OFFICER', 'TOWN_OFFICE'] },
  CORRECTION_ORDER: { label: ['责令限期改正通知书', 'Order to correct'], roles: ['COORDINATOR', 'DAILY_OFFICER', 'TOWN_OFFICE'] },
  JUDICIAL_COVER: { label: ['司法文书送达封面', 'Judicial document cover'], roles: ['COORDINATOR', 'DAILY_OFFICER', 'JUSTICE_OFFICE'] },
  LEGAL_REFERRAL: { label: ['移送追究法律责任函', 'Referral for legal liability'], roles: ['COORDINATOR', 'DAILY_OFFICER', 'JUSTICE_OFFICE'] },
};

export function documentKindsOf(role) {
  return Object.keys(DOCUMENT_KINDS).filter((kind) => DOCUMENT_KINDS[kind].roles.includes(role));
}
