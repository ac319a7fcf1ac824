/**
 * Masks for personal data shown to people who do not need it in full: the ID number keeps its
 * region (6) and its last 4 characters (500235********0034), a phone its first 3 and last 4
 * (138****0000). Only digits in between are replaced, so separators stay where they were.
 */

export function maskIdNumber(idNumber: string): string {
  if (idNumber.length <= 10) return '*'.repeat(idNumber.length);
  return idNumber.slice(0, 6) + '*'.repeat(idNumber.length - 10) + idNumber.slice(-4);
}

export function maskPhone(phone: string): string {
  if (phone.length <= 7) return phone.replace(/\d/g, '*');
  return phone.slice(0, 3) + phone.slice(3, -4).replace(/\d/g, '*') + phone.slice(-4);
}

/** A name for a viewer who needs no identity: the surname and, from three characters, the last one (王*明, 李*). */
export function maskName(name: string): string {
  const chars = [...name.trim()];
  if (chars.length <= 1) return '*';
  if (chars.length === 2) return `${chars[0]}*`;
  return chars[0] + '*'.repeat(chars.length - 2) + chars[chars.length - 1];
}
