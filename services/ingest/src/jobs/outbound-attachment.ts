// An admin's or agent's attachment lives in profiles (content.media.stored.file_id) until it is
// sent: read it with DownloadMedia, upload it to the provider (WhatsApp: POST
// /{phone_number_id}/media; Messenger / Instagram: POST /{page id}/message_attachments), and
// hand the send the provider's id. Failures are classified as for the send itself.
import type { ProfilesClient } from '@ue/profiles-client';
import { DownloadMediaRequest, MediaVariant, type MediaFile, type OutboundJob } from '@ue/proto';
import type { UploadFile, UploadOutcome } from '../providers/whatsapp/media-api.js';
import { providerErrorOf, type SendOutcome } from '../providers/whatsapp/send-api.js';
import { profilesFailure } from './profiles-failure.js';
import type { UploadAttachment } from './send-outbound.js';

export interface AttachmentDeps {
  profiles: Pick<ProfilesClient, 'stream'>;
  /** The provider's upload for this job's channel. */
  upload: (job: OutboundJob, file: UploadFile) => Promise<UploadOutcome>;
  /** Bound on reading the file from profiles. */
  deadlineMs: number;
}

const notSent = (title: string, details: string): Exclude<SendOutcome, { kind: 'accepted' }> => ({
  kind: 'refused',
  errors: [{ code: 0, title, message: title, details, href: '' }],
});

async function readFile(
  deps: AttachmentDeps,
  fileId: string,
): Promise<{ file?: MediaFile; bytes: Buffer }> {
  const req = DownloadMediaRequest.fromPartial({ fileId, variant: MediaVariant.ORIGINAL });
  const parts: Uint8Array[] = [];
  let file: MediaFile | undefined;
  for await (const r of deps.profiles.stream('downloadMedia', req, {
    deadlineMs: deps.deadlineMs,
  })) {
    if (r.part?.$case === 'file') file = r.part.file;
    else if (r.part?.$case === 'chunk') parts.push(r.part.chunk);
  }
  return { file, bytes: Buffer.concat(parts) };
}

export function createUploadAttachment(deps: AttachmentDeps): UploadAttachment {
  return async (job: OutboundJob) => {
    const media = job.content!.media!;
    let read: { file?: MediaFile; bytes: Buffer };
    try {
      read = await readFile(deps, media.stored!.fileId);
    } catch (err) {
      const f = profilesFailure(err, 'the attachment');
      if (f.permanent) return notSent('Attachment not available', f.error.message);
      return { kind: 'retry', reason: f.error.message };
    }
    if (read.file?.sizeBytes && read.bytes.length !== read.file.sizeBytes)
      return { kind: 'retry', reason: 'attachment read short from profiles' };
    const mimeType = read.file?.mimeType || media.stored?.mimeType || media.mimeType;
    if (!mimeType) return notSent('Attachment not sendable', 'no MIME type');
    const up = await deps.upload(job, {
      accountId: job.accountId,
      mimeType,
      filename: media.filename || read.file?.filename || 'attachment',
      bytes: read.bytes,
    });
    if (up.kind === 'ok') return { kind: 'uploaded', id: up.id };
    if (up.kind === 'refused')
      return { kind: 'refused', errors: [up.error ?? providerErrorOf(up.status, up.body)] };
    if (up.kind === 'token') return { kind: 'retry', reason: up.reason };
    return up;
  };
}
