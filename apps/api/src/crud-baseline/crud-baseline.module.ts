/**
 * A yardstick, not a feature: what a team would build instead of an event log. `recordMeetingRow`
 * takes recordMeeting's own input through the same stack (Apollo, the request guard and its access
 * rule, validation, rate limits) and inserts one row, no events, no projections. Served only with
 * KRING_BENCH_BASELINE=on, for `npm run bench:commands` (issue 14: recordMeeting >= 0.6x its rate).
 */
import { randomUUID } from 'node:crypto';
import { Inject, Injectable, Module, OnModuleInit } from '@nestjs/common';
import { Args, Field, ID, Mutation, ObjectType, Resolver } from '@nestjs/graphql';
import type { SqlDriver } from '@kring/event-store';
import { SQL_DRIVER } from '../event-store/event-store.module';
import { RecordMeetingInput } from '../network/network.inputs';
import { settingsFrom } from '../settings';

@ObjectType('MeetingRow')
class MeetingRow {
  @Field(() => ID)
  id!: string;
}

@Injectable()
@Resolver()
class CrudBaselineResolver implements OnModuleInit {
  constructor(@Inject(SQL_DRIVER) private readonly sql: SqlDriver) {}

  async onModuleInit(): Promise<void> {
    await this.sql.exec(`CREATE TABLE IF NOT EXISTS kring_bench_meeting_rows (
      id uuid PRIMARY KEY, network_id text NOT NULL, held_on date NOT NULL, activity text NOT NULL,
      attended text[] NOT NULL, absent text[] NOT NULL)`);
  }

  @Mutation(() => MeetingRow, { description: 'Bench only (KRING_BENCH_BASELINE=on): recordMeeting as one row, no events' })
  async recordMeetingRow(@Args('input') { networkId, heldOn, activity, attended, absent }: RecordMeetingInput): Promise<MeetingRow> {
    const id = randomUUID();
    await this.sql.query(
      'INSERT INTO kring_bench_meeting_rows (id, network_id, held_on, activity, attended, absent) VALUES ($1, $2, $3, $4, $5, $6)',
      [id, networkId, heldOn, activity, attended, absent],
    );
    return { id };
  }
}

@Module({ providers: [CrudBaselineResolver] })
export class CrudBaselineModule {}

/** Whether this process serves the baseline (never by default). */
export const crudBaselineServed = (env: NodeJS.ProcessEnv = process.env): boolean => settingsFrom(env).KRING_BENCH_BASELINE === 'on';
