// One PostgreSQL statistics session for a run: the server's features read once, a connection
// for snapshots and another for the activity sampler (so a slow snapshot never delays a sample).
import type pg from 'pg';
import { connectPg } from '../core/pg-connect.js';
import type { Secret } from '../core/secret.js';
import { startActivitySampler, type ActivitySampler } from './activity-sampler.js';
import { detectFeatures, type ServerFeatures } from './server-features.js';
import { takeSnapshot, type PgSnapshot } from './snapshot.js';

export class PgStatsSession {
  readonly features: ServerFeatures;
  readonly #snapshots: pg.Client;
  readonly #sampler: pg.Client;

  private constructor(features: ServerFeatures, snapshots: pg.Client, sampler: pg.Client) {
    this.features = features;
    this.#snapshots = snapshots;
    this.#sampler = sampler;
  }

  /** Connects and reads the server's features (features.statStatements.note says what is missing). */
  static async open(url: Secret): Promise<PgStatsSession> {
    const snapshots = await connectPg(url, 'PostgreSQL statistics (PGURL)');
    try {
      const features = await detectFeatures(snapshots);
      const sampler = await connectPg(url, 'PostgreSQL statistics (PGURL)');
      return new PgStatsSession(features, snapshots, sampler);
    } catch (error) {
      await snapshots.end().catch(() => {});
      throw error;
    }
  }

  snapshot(): Promise<PgSnapshot> {
    return takeSnapshot(this.#snapshots, this.features);
  }

  startSampler(intervalSeconds: number): ActivitySampler {
    return startActivitySampler(this.#sampler, intervalSeconds);
  }

  async close(): Promise<void> {
    await Promise.allSettled([this.#snapshots.end(), this.#sampler.end()]);
  }
}
