/* The API call of 政策推演 (what-if, for the roles that read the whole town). */
import { api } from '../shell/core.js';

/** The town's running cases forecast under their own policy and under the draft (POST /api/what-if). */
export const forecast = (policy, weeks) => api('/api/what-if', { method: 'POST', body: { policy, weeks } });
