/* The API calls of 上报疑似辍学 (report a suspected dropout). */
import { api, requestId } from '../shell/core.js';

/** The registry look-up: the full ID number or part of the name (GET /api/children?q=). */
export const lookUpChild = (text) => api(`/api/children?q=${encodeURIComponent(text)}&pageSize=10`);

/** Opens the case (POST /api/cases): { childId } for a child on file, else { child }. */
export const reportCase = (body) => api('/api/cases', { method: 'POST', body, headers: { 'Idempotency-Key': requestId() } });
