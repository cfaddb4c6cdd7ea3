import { Module } from '@nestjs/common';
import { ImpactQueries } from './impact.queries';

/** Evaluators' figures, replayed from the log (the CLI's `kring impact` shares the calculation). */
@Module({ providers: [ImpactQueries] })
export class ImpactModule {}
