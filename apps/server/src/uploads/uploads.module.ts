import { Module } from '@nestjs/common';
import { UploadsController } from './uploads.controller';

/** Shelf images on disk (UPLOAD_DIR); owns no table. */
@Module({ controllers: [UploadsController] })
export class UploadsModule {}
