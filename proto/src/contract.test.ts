import { describe, expect, it } from 'vitest';
import {
  ApplyWebhookEventsRequest,
  DeliveryStatus,
  MessageType,
  ProfilesServiceService,
  WebhookEvent,
} from './index.js';

describe('engagement.v1 contract', () => {
  it('exposes every RPC the design names', () => {
    const rpcs = Object.values(ProfilesServiceService).map((d) => d.path.split('/').pop());
    expect(rpcs.sort()).toEqual(
      [
        'AddLogEntry',
        'ApplyWebhookEvents',
        'EraseUser',
        'ExportUser',
        'GetStats',
        'GetUser',
        'ListFacts',
        'ListLogEntries',
        'ListMessages',
        'ListReviews',
        'ListUsers',
        'RecordOutboundMessage',
        'RecordReview',
        'RequestReview',
        'SendMessage',
        'UpdateLogEntry',
        'UpdateUser',
        'UpsertFacts',
        'WatchEvents',
        'UploadMedia',
        'DownloadMedia',
        'SetMediaState',
        'GetMessage',
        'ListAccounts',
        'UpdateAccount',
        'GetPerson',
        'LinkIdentities',
        'UnlinkIdentities',
      ].sort(),
    );
    expect(ProfilesServiceService.watchEvents.responseStream).toBe(true);
    expect(ProfilesServiceService.exportUser.responseStream).toBe(true);
    // Files travel in chunks both ways, never as one message.
    expect(ProfilesServiceService.uploadMedia.requestStream).toBe(true);
    expect(ProfilesServiceService.uploadMedia.responseStream).toBe(false);
    expect(ProfilesServiceService.downloadMedia.responseStream).toBe(true);
  });

  it('round-trips large ids, unicode and times without loss', () => {
    const at = new Date('2026-11-10T09:00:00Z');
    const req = ApplyWebhookEventsRequest.fromPartial({
      events: [
        {
          accountId: '117733559900011',
          occurredAt: at,
          event: {
            $case: 'inboundMessage',
            inboundMessage: {
              wamid: 'wamid.HBgNNDkxNTExMjM0NTY3OBUCABIYFDNBQUVGRERGRkUwNjhFQ0ZFODVBAA==',
              from: { waId: '4915112345678', bsuid: 'DE.7120934857612093485', parentBsuid: '' },
              content: {
                type: MessageType.DOCUMENT,
                text: 'Grüße aus Köln 📦 田中',
                media: { mediaId: '27251809591113344', filename: 'Rechnung.pdf' },
              },
            },
          },
        },
      ],
    });
    req.events.push(
      WebhookEvent.fromPartial({
        accountId: 'a',
        event: { $case: 'status', status: { wamid: 'w', status: DeliveryStatus.READ } },
      }),
    );
    const back = ApplyWebhookEventsRequest.decode(ApplyWebhookEventsRequest.encode(req).finish());
    expect(back).toEqual(req);
    const ev = back.events[0]?.event;
    expect(ev?.$case === 'inboundMessage' && ev.inboundMessage.content?.media?.mediaId).toBe(
      '27251809591113344',
    );
    expect(back.events[0]?.occurredAt?.toISOString()).toBe(at.toISOString());
  });
});
