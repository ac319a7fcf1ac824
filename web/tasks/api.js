/* The API calls of 我的待办 (my tasks). */
import { api } from '../shell/core.js';

/** My open tasks, overdue first (GET /api/me/tasks); every page of them (the list filters on screen). */
export async function myTasks() {
  const items = [];
  for (let page = 1; ; page++) {
    const answer = await api(`/api/me/tasks?page=${page}&pageSize=100`);
    items.push(...answer.items);
    if (items.length >= answer.total || answer.items.length === 0) return items;
  }
}
