import * as fs from 'node:fs/promises';
import type { UploadedImage } from '@allycard/contracts';
import * as path from 'node:path';
import { Controller, Get, Inject, Param, Post, Res, UploadedFile, UseInterceptors } from '@nestjs/common';
import { FileInterceptor } from '@nestjs/platform-express';
import { ApiBearerAuth, ApiBody, ApiConsumes, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { SHELF_IMAGE_MAX_BYTES, SHELF_IMAGE_TYPE_MESSAGE } from '@allycard/domain';
import { Roles } from '../common/auth';
import { APP_CONFIG, AppConfig } from '../common/config';
import { notFound, validationFailed } from '../common/errors';
import { contentName, contentTypeOfName, IMAGE_NAME, imageTypeOf, UPLOADS_PATH } from './image-files';

/** What multer hands over for the file part (kept in memory). */
interface ImageUpload {
  buffer: Buffer;
  size: number;
}

/**
 * Images for the shelves (mall item photos), kept in UPLOAD_DIR under their content hash: the same
 * photo uploaded twice is one file, and a URL, once given out, always shows the same bytes.
 */
@ApiTags('uploads')
@Controller()
export class UploadsController {
  constructor(@Inject(APP_CONFIG) private readonly config: AppConfig) {}

  @Post('admin/uploads')
  @ApiBearerAuth()
  @Roles('alliance_admin')
  @ApiConsumes('multipart/form-data')
  @ApiBody({ schema: { type: 'object', properties: { file: { type: 'string', format: 'binary' } } } })
  @UseInterceptors(
    // no storage given: multer keeps the file in memory (≤ 2 MB)
    FileInterceptor('file', { limits: { fileSize: SHELF_IMAGE_MAX_BYTES, files: 1 } }),
  )
  async upload(@UploadedFile() file?: ImageUpload): Promise<UploadedImage> {
    if (!file)
      throw validationFailed([{ field: 'file', message: 'an image file is required' }], '请选择图片');
    const type = imageTypeOf(file.buffer);
    if (!type)
      throw validationFailed(
        [{ field: 'file', message: 'must be a PNG, JPEG or WebP image' }],
        SHELF_IMAGE_TYPE_MESSAGE,
      );
    const name = contentName(file.buffer, type.ext);
    const target = path.join(this.config.uploadDir, name);
    await fs.mkdir(this.config.uploadDir, { recursive: true });
    // write beside, then rename: a reader never sees half a file, and a racing upload of the same
    // photo renames the same bytes over it
    const partial = `${target}.${process.pid}.${Date.now()}.part`;
    await fs.writeFile(partial, file.buffer);
    await fs.rename(partial, target);
    return { url: `${UPLOADS_PATH}/${name}`, bytes: file.size };
  }

  /** Public, like any shop photo; cached for a year, since a name is its content. */
  @Get('uploads/:name')
  async serve(@Param('name') name: string, @Res() res: Response): Promise<void> {
    if (!IMAGE_NAME.test(name)) throw notFound('图片');
    const file = path.join(this.config.uploadDir, name);
    try {
      await fs.access(file);
    } catch {
      throw notFound('图片');
    }
    res.setHeader('Content-Type', contentTypeOfName(name));
    res.setHeader('Cache-Control', 'public, max-age=31536000, immutable');
    res.setHeader('X-Content-Type-Options', 'nosniff');
    res.sendFile(path.resolve(file));
  }
}
