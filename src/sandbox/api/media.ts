import { newOpaqueId } from '../ids.ts';
import { multipartBoundary, parseMultipart } from '../multipart.ts';
import type { StoredMedia } from '../types.ts';
import { ERR, fail, ok, type ApiContext, type ApiResult, type ApiRoute } from './types.ts';

const MB = 1024 * 1024;
/**
 * Size caps per media type (docs/wecom/api.md, 'Media upload'): every file more than 5
 * bytes; image 10 MB, voice 2 MB, video 10 MB, file 20 MB. The errcode for a file out of
 * range is 40006 (invalid file size); images and videos have their own (40009, 40011).
 * Formats (jpg/png, amr, mp4) are not checked: Fenji uploads files only.
 */
const MEDIA_LIMITS: Readonly<Record<StoredMedia['type'], { max: number; errcode: number }>> = {
  image: { max: 10 * MB, errcode: ERR.invalidImageSize },
  voice: { max: 2 * MB, errcode: ERR.invalidFileSize },
  video: { max: 10 * MB, errcode: ERR.invalidVideoSize },
  file: { max: 20 * MB, errcode: ERR.invalidFileSize },
};
const MIN_BYTES = 6;
/** The largest body the sandbox reads for an upload: the largest file plus room for the form. */
export const MEDIA_UPLOAD_MAX_BODY = 20 * MB + 64 * 1024;

const isMediaType = (t: string | null): t is StoredMedia['type'] => t !== null && t in MEDIA_LIMITS;

/**
 * POST media/upload?type=: a temporary media file as multipart/form-data, its part named
 * `media` with a filename (shown to the member who receives it). Answers `{type, media_id,
 * created_at}` (created_at a string of seconds, as WeCom's); the media_id works for 3 days
 * in message/send. 40004 for an unknown type, 44001 when there is no file or it is empty,
 * the type's size errcode when it is 5 bytes or less, or over the type's cap.
 */
function mediaUpload(ctx: ApiContext): ApiResult {
  const type = ctx.query.get('type');
  if (!isMediaType(type)) return fail(ERR.invalidMediaType, 'invalid media type');
  const boundary = multipartBoundary(ctx.upload?.contentType ?? '');
  const media = boundary && ctx.upload ? parseMultipart(ctx.upload.bytes, boundary).find((p) => p.name === 'media') : undefined;
  if (!media || media.data.length === 0) return fail(ERR.emptyMedia, 'empty media data');
  const limit = MEDIA_LIMITS[type];
  if (media.data.length < MIN_BYTES || media.data.length > limit.max) return fail(limit.errcode, 'invalid file size');
  const stored: StoredMedia = {
    media_id: `3${newOpaqueId(60)}`,
    type,
    filename: media.filename ?? 'file',
    content_type: media.contentType ?? 'application/octet-stream',
    bytes: media.data.length,
    data: media.data.toString('base64'),
    created_at: ctx.state.nowSeconds(),
  };
  ctx.state.media.set(stored.media_id, stored);
  return ok({ type, media_id: stored.media_id, created_at: String(stored.created_at) });
}

export const mediaRoutes: ApiRoute[] = [
  { path: '/cgi-bin/media/upload', auth: true, handler: mediaUpload, maxUploadBytes: MEDIA_UPLOAD_MAX_BODY },
];
