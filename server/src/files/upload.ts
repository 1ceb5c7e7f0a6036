import { createHash } from 'node:crypto';
import { renameSync, unlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';
import { HttpError } from '../errors';
import { realFileInside } from './safe-path';

export const IMAGE_TYPES: Record<string, { ext: string; mime: string }> = {
  png: { ext: 'png', mime: 'image/png' },
  jpeg: { ext: 'jpg', mime: 'image/jpeg' },
  webp: { ext: 'webp', mime: 'image/webp' },
  gif: { ext: 'gif', mime: 'image/gif' },
};

export interface SavedUpload {
  /** `<sha256 prefix>.<ext>` inside the uploads folder: what image inputs name. */
  name: string;
  mime: string;
  width: number;
  height: number;
  frames: number;
  size: number;
}

/**
 * Checks an uploaded image (PNG, JPEG, WebP or GIF that decodes, within the pixel limit) and stores it
 * by content hash in the uploads folder. Shared by `POST /api/uploads` and ComfyUI's `/upload/image`.
 */
export async function saveUploadedImage(
  data: Buffer,
  deps: { uploadsDir: string; maxImagePixels: number },
): Promise<SavedUpload> {
  if (data.length === 0) throw new HttpError(400, 'bad_request', 'the uploaded file is empty');
  const meta = await sharp(data, { limitInputPixels: false })
    .metadata()
    .catch(() => undefined);
  const kind = meta?.format ? IMAGE_TYPES[meta.format] : undefined;
  if (!meta || !kind || !meta.width || !meta.height) {
    throw new HttpError(415, 'unsupported_media_type', 'the upload is not a PNG, JPEG, WebP or GIF image');
  }
  const frames = Math.max(1, meta.pages ?? 1);
  const pixels = meta.width * (meta.pageHeight ?? meta.height) * frames;
  if (pixels > deps.maxImagePixels) {
    throw new HttpError(
      413,
      'image_too_large',
      `the image decodes to ${pixels} pixels (${meta.width}×${meta.pageHeight ?? meta.height}×${frames}); the limit is ${deps.maxImagePixels}`,
      { limit: deps.maxImagePixels },
    );
  }
  try {
    await sharp(data, { limitInputPixels: deps.maxImagePixels, failOn: 'error', animated: frames > 1 })
      .resize(8, 8, { fit: 'inside' })
      .raw()
      .toBuffer();
  } catch {
    throw new HttpError(
      415,
      'unsupported_media_type',
      'the image could not be decoded (corrupt or truncated)',
    );
  }
  const name = `${createHash('sha256').update(data).digest('hex').slice(0, 32)}.${kind.ext}`;
  const target = path.join(deps.uploadsDir, name);
  if (!realFileInside(deps.uploadsDir, target)) {
    const tmp = path.join(deps.uploadsDir, `.${name}.${process.pid}.${Date.now()}.tmp`);
    try {
      writeFileSync(tmp, data, { flag: 'wx', mode: 0o644 });
      renameSync(tmp, target);
    } catch (err) {
      try {
        unlinkSync(tmp);
      } catch {}
      throw err;
    }
  }
  return {
    name,
    mime: kind.mime,
    width: meta.width,
    height: meta.pageHeight ?? meta.height,
    frames,
    size: data.length,
  };
}
