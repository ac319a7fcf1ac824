/* The API calls of 通知 (my notifications). */
import { api } from '../shell/core.js';

/** My notifications, unread first, newest first (GET /api/me/notifications); `unread` counts all unread. */
export const myNotifications = ({ page = 1, unreadOnly = false } = {}) => api(`/api/me/notifications?page=${page}&pageSize=20${unreadOnly ? '&unread=true' : ''}`);

/** The unread count only (one row asked for). */
export const unreadCount = async () => (await api('/api/me/notifications?unread=true&pageSize=1')).unread;

export const markRead = (id) => api(`/api/me/notifications/${encodeURIComponent(id)}/read`, { method: 'POST' });

/** My channels (GET /api/me/channels): the inbox, SMS, WeCom as the deployment has them, on or off for me. */
export const myChannels = () => api('/api/me/channels');

/** Turns one of my channels on or off (PATCH /api/me/channels/:channel). */
export const setChannel = (channel, enabled) => api(`/api/me/channels/${encodeURIComponent(channel)}`, { method: 'PATCH', body: { enabled } });
