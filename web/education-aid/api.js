/* The API calls of 教育资助 (the town-wide education-aid list). */
import { api } from '../shell/core.js';

/** Education aid in my read scope, the notice's priority groups first (GET /api/support/education-aid). */
export const educationAid = (outcome, page = 1) => api(`/api/support/education-aid?outcome=${encodeURIComponent(outcome)}&page=${page}&pageSize=20`);
