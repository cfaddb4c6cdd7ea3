import { Module } from '@nestjs/common';
import { IdeController } from './ide.controller';

/** The page at `/` for people who try the API (see ide-page.ts). */
@Module({ controllers: [IdeController] })
export class IdeModule {}
