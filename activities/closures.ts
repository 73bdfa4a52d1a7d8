// The radar closures the plans read (docs/coordination.md, "Closures"): a table in the loop's
// PostgreSQL, written once a radar move has landed and read by the radar reflex in the same activity
// as its move, so no radar move waits for another workflow to say which channels are closed.
import type { Pool } from 'pg';
import type { ClosedChannel } from '../domain/dfs';
import type { Radio } from '../domain/regulatory';

/** A radar's closure: on the AP that heard it and, when the policy says so, on its RF neighbours. */
export interface Closure {
  /** The AP that heard the radar. */
  heardBy: string;
  /** Its RF neighbours closed with it (none when the policy keeps closures to the AP). */
  neighbours: string[];
  radio: Radio;
  channels: number[];
  /** Epoch ms at which the Non-Occupancy Period ends. */
  until: number;
  /** The radar event whose detection closed them. */
  closedBy: string;
}

export interface ClosureTable {
  /** Records a closure; a repeat (a retried activity) changes nothing, a later one extends it. */
  close(closure: Closure): Promise<void>;
  /** The channels of `radio` on `apId` in their Non-Occupancy Period at `now`, with their detections. */
  closedFor(apId: string, radio: Radio, now: number): Promise<ClosedChannel[]>;
}

export interface ClosureActivities {
  recordClosure(closure: Closure): Promise<void>;
  readClosures(apId: string, radio: Radio): Promise<ClosedChannel[]>;
}

export function createClosureTable(pool: Pool): ClosureTable {
  return {
    async close({ heardBy, neighbours, radio, channels, until, closedBy }) {
      await pool.query(
        `INSERT INTO channel_closures AS c (ap_id, radio, channel, until, closed_by, heard_by)
         SELECT ap_id, $3, channel, $4, $5, NULLIF($6, ap_id)
           FROM unnest($1::text[]) AS ap_id CROSS JOIN unnest($2::int[]) AS channel
         ON CONFLICT (ap_id, radio, channel) DO UPDATE
           SET until = excluded.until, closed_by = excluded.closed_by, heard_by = excluded.heard_by
           WHERE c.until < excluded.until`,
        [[heardBy, ...neighbours], channels, radio, new Date(until), closedBy, heardBy],
      );
    },
    async closedFor(apId, radio, now) {
      const { rows } = await pool.query<{
        channel: number;
        until: Date;
        closed_by: string;
        heard_by: string | null;
      }>(
        `SELECT channel, until, closed_by, heard_by FROM channel_closures
          WHERE ap_id = $1 AND radio = $2 AND until > $3 ORDER BY channel`,
        [apId, radio, new Date(now)],
      );
      return rows.map((r) => ({
        radio,
        channel: r.channel,
        until: r.until.getTime(),
        closedBy: r.closed_by,
        ...(r.heard_by ? { heardBy: r.heard_by } : {}),
      }));
    },
  };
}

export function createClosureActivities(table: ClosureTable): ClosureActivities {
  return {
    recordClosure: (closure) => table.close(closure),
    readClosures: (apId, radio) => table.closedFor(apId, radio, Date.now()),
  };
}
