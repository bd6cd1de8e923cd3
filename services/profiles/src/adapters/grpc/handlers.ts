// gRPC handlers: validate, call the use case, map documents to the contract. Every handler goes
// through the one wrapper (auth, error mapping, deadlines, single reply).
import type { ProfilesServiceServer } from '@ue/proto';
import type { Ports } from '../../app/ports.js';
import { actorOf } from '../../app/actors.js';
import { listAccounts, updateAccount } from '../../app/accounts.js';
import { applyBatch } from '../../app/apply-batch.js';
import { getUser, listUsers } from '../../app/users.js';
import { updateUser } from '../../app/update-user.js';
import { listMessages, recordOutbound, sendMessage } from '../../app/messages.js';
import { addLogEntry, listLogEntries, updateLogEntry } from '../../app/log.js';
import { listFacts, upsertFacts } from '../../app/facts.js';
import { getStats } from '../../app/stats.js';
import { eraseUser, exportUser } from '../../app/privacy.js';
import { listReviews, recordReview, requestReview } from '../../app/reviews.js';
import { downloadMedia, getMessage, setMediaState, uploadMedia } from '../../app/media.js';
import { getPerson, linkIdentities, unlinkIdentities } from '../../app/people.js';
import {
  accountToProto,
  exportPartToProto,
  factToProto,
  logEntryToProto,
  messageToProto,
  reviewToProto,
  userToProto,
} from './to-proto.js';
import { personLinkToProto, personToProto } from './person-to-proto.js';
import type { Wrapper } from './wrap.js';
import type { WatchDeps } from './watch.js';
import { watchEvents } from './watch.js';

/** What the handlers are configured with beyond the ports. */
export interface HandlerOptions {
  /** Largest file UploadMedia keeps (MEDIA_MAX_BYTES). */
  mediaMaxBytes: number;
}

export function createHandlers(
  { ports: deps, watch, options }: { ports: Ports; watch: WatchDeps; options: HandlerOptions },
  w: Wrapper,
): ProfilesServiceServer {
  return {
    applyWebhookEvents: w.unary('ApplyWebhookEvents', (req, ctx) =>
      applyBatch(deps, req, () => ctx.isCancelled()),
    ),
    getUser: w.unary('GetUser', async (req) => ({ user: userToProto(await getUser(deps, req)) })),
    listUsers: w.unary('ListUsers', async (req, ctx) => {
      const { docs, next } = await listUsers(deps, req, ctx.timeLeftMs());
      return { users: docs.map(userToProto), nextPageToken: next };
    }),
    updateUser: w.unary('UpdateUser', async (req, ctx) => ({
      user: userToProto(await updateUser(deps, req, actorOf('actor', req.actor, ctx.caller))),
    })),
    listMessages: w.unary('ListMessages', async (req) => {
      const p = await listMessages(deps, req);
      return {
        messages: p.docs.map((d) => messageToProto(d, p.replyIds)),
        nextPageToken: p.next,
        prevPageToken: p.prev,
      };
    }),
    recordOutboundMessage: w.unary('RecordOutboundMessage', async (req, ctx) => {
      const r = await recordOutbound(deps, req, actorOf('author', req.author, ctx.caller));
      return { message: messageToProto(r.doc), created: r.created };
    }),
    sendMessage: w.unary('SendMessage', async (req, ctx) => {
      const sent = await sendMessage(deps, req, actorOf('author', req.author, ctx.caller));
      return { message: messageToProto(sent.doc), tag: sent.tag };
    }),
    upsertFacts: w.unary('UpsertFacts', async (req, ctx) => ({
      facts: (await upsertFacts(deps, req, actorOf('author', req.author, ctx.caller))).map(
        factToProto,
      ),
    })),
    listFacts: w.unary('ListFacts', async (req) => {
      const r = await listFacts(deps, req);
      return { facts: r.current.map(factToProto), history: r.history.map(factToProto) };
    }),
    addLogEntry: w.unary('AddLogEntry', async (req, ctx) => ({
      entry: logEntryToProto(
        await addLogEntry(deps, req, actorOf('author', req.author, ctx.caller)),
      ),
    })),
    updateLogEntry: w.unary('UpdateLogEntry', async (req, ctx) => ({
      entry: logEntryToProto(
        await updateLogEntry(deps, req, actorOf('actor', req.actor, ctx.caller)),
      ),
    })),
    listLogEntries: w.unary('ListLogEntries', async (req) => {
      const r = await listLogEntries(deps, req);
      return { entries: r.docs.map(logEntryToProto), nextPageToken: r.next };
    }),
    getStats: w.unary('GetStats', (req, ctx) => getStats(deps, req, ctx.timeLeftMs())),
    watchEvents: w.stream('WatchEvents', (req, ctx, write) =>
      watchEvents(watch, { req, ctx }, write),
    ),
    exportUser: w.stream('ExportUser', (req, ctx, write) =>
      exportUser(deps, { userId: req.userId, cancelled: () => ctx.isCancelled() }, (part) =>
        write({ part: exportPartToProto(part) }),
      ),
    ),
    eraseUser: w.unary('EraseUser', (req, ctx) =>
      eraseUser(deps, req, actorOf('actor', req.actor, ctx.caller)),
    ),
    uploadMedia: w.clientStream('UploadMedia', (parts) =>
      uploadMedia(deps, parts, { maxBytes: options.mediaMaxBytes }),
    ),
    downloadMedia: w.stream('DownloadMedia', (req, ctx, write) =>
      downloadMedia(deps, { ...req, cancelled: () => ctx.isCancelled() }, write),
    ),
    setMediaState: w.unary('SetMediaState', async (req) => ({
      stored: await setMediaState(deps, req),
    })),
    getMessage: w.unary('GetMessage', async (req) => {
      const r = await getMessage(deps, req);
      return { message: messageToProto(r.doc, r.replyIds) };
    }),
    // The reviewer is the caller (its token's name), whatever the request says.
    recordReview: w.unary('RecordReview', async (req, ctx) => ({
      review: reviewToProto(
        await recordReview(deps, req, actorOf('reviewer', undefined, ctx.caller)),
      ),
    })),
    listReviews: w.unary('ListReviews', async (req) => {
      const r = await listReviews(deps, req);
      return { reviews: r.docs.map(reviewToProto), nextPageToken: r.next };
    }),
    requestReview: w.unary('RequestReview', async (req, ctx) => {
      await requestReview(deps, req, actorOf('actor', req.actor, ctx.caller));
      return {};
    }),
    listAccounts: w.unary('ListAccounts', async (req) => ({
      accounts: (await listAccounts(deps, req)).map(accountToProto),
      peopleRules: deps.people.rules,
    })),
    updateAccount: w.unary('UpdateAccount', async (req, ctx) => ({
      account: accountToProto(
        await updateAccount(deps, req, actorOf('actor', req.actor, ctx.caller)),
      ),
    })),
    getPerson: w.unary('GetPerson', async (req) => ({
      person: personToProto(await getPerson(deps, req)),
    })),
    linkIdentities: w.unary('LinkIdentities', async (req, ctx) => {
      const r = await linkIdentities(deps, req, actorOf('actor', req.actor, ctx.caller));
      return { person: personToProto(r.person), links: r.links.map(personLinkToProto) };
    }),
    unlinkIdentities: w.unary('UnlinkIdentities', async (req, ctx) => {
      const r = await unlinkIdentities(deps, req, actorOf('actor', req.actor, ctx.caller));
      return {
        person: personToProto(r.person),
        restored: personToProto(r.restored),
        link: personLinkToProto(r.link),
      };
    }),
  };
}
