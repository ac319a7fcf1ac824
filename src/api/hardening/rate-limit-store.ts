/**
 * @nestjs/throttler's counters in PostgreSQL (table api_rate_limit), so that every API process
 * counts against one limit, as the log-in throttle does (login-throttle.ts). A fixed window per
 * limit and client: the first request opens it, each request adds one in a single upsert, the
 * window's end is when the count starts again. Times are the database's (now()), the one clock all
 * processes share.
 */
import type { ThrottlerStorage } from '@nestjs/throttler';
import type { ThrottlerStorageRecord } from '@nestjs/throttler/dist/throttler-storage-record.interface';
import type { DataSource } from 'typeorm';

export class PostgresThrottlerStorage implements ThrottlerStorage {
  constructor(private readonly dataSource: DataSource) {}

  async increment(key: string, ttl: number, limit: number): Promise<ThrottlerStorageRecord> {
    const [row]: Array<{ hits: number; ends_in_ms: number }> = await this.dataSource.query(
      `INSERT INTO api_rate_limit AS t (key, hits, window_started_at, window_ends_at)
       VALUES ($1, 1, now(), now() + $2::float8 * interval '1 millisecond')
       ON CONFLICT (key) DO UPDATE SET
         hits              = CASE WHEN t.window_ends_at <= now() THEN 1 ELSE t.hits + 1 END,
         window_started_at = CASE WHEN t.window_ends_at <= now() THEN now() ELSE t.window_started_at END,
         window_ends_at    = CASE WHEN t.window_ends_at <= now() THEN now() + $2::float8 * interval '1 millisecond' ELSE t.window_ends_at END
       RETURNING hits, extract(epoch FROM window_ends_at - now()) * 1000 AS ends_in_ms`,
      [key, ttl],
    );
    const seconds = Math.max(1, Math.ceil(Number(row.ends_in_ms) / 1000));
    const isBlocked = row.hits > limit;
    return { totalHits: row.hits, timeToExpire: seconds, isBlocked, timeToBlockExpire: isBlocked ? seconds : 0 };
  }
}

/** Windows that ended before `olderThanMs` ago; the retention job calls it. Returns the rows deleted. */
export async function pruneRateLimitWindows(dataSource: DataSource, olderThanMs = 3_600_000): Promise<number> {
  const [, count] = await dataSource.query(`DELETE FROM api_rate_limit WHERE window_ends_at < now() - $1::float8 * interval '1 millisecond'`, [olderThanMs]);
  return Number(count ?? 0);
}
