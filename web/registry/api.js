/* The API calls of 儿童名册 (the children registry). */
import { api, requestId, onLoggedOut } from '../shell/core.js';

/** The town's areas and schools with their grades, for the forms (GET /api/towns/current), fetched once per session. */
let town = null;
export const currentTown = async () => (town ??= await api('/api/towns/current'));
onLoggedOut.push(() => (town = null)); // the next person may be of another town

/** One page of the registry in my scope (GET /api/children): q (ID number or name), area, school, grade, flags (all must hold). */
export const listChildren = (filters, page = 1) => {
  const query = new URLSearchParams({ ...Object.fromEntries(Object.entries(filters).filter(([, v]) => v)), page: String(page), pageSize: '20' });
  return api(`/api/children?${query}`);
};

/** A child, masked as my role requires (GET /api/children/:id). */
export const getChild = (id) => api(`/api/children/${encodeURIComponent(id)}`);

/** The child's cases within my read scope (GET /api/cases?childId=), newest deadline first. */
export const casesOfChild = (id) => api(`/api/cases?childId=${encodeURIComponent(id)}&pageSize=50`);

export const registerChild = (body) => api('/api/children', { method: 'POST', body, headers: { 'Idempotency-Key': requestId() } });

export const updateChild = (id, body) => api(`/api/children/${encodeURIComponent(id)}`, { method: 'PATCH', body });
