/**
 * Who may use the codec endpoint. Decoding shows everything the case workflows carry in clear
 * (notes, reasons, refusal messages), for every case of the town: it is for the people who answer
 * for the whole caseload and debug it, not for everyone with an account.
 * The names are the roles of src/access/roles.ts.
 */
export const ROLES_ALLOWED_TO_DECODE_PAYLOADS = ['LEADER', 'COORDINATOR'] as const;
