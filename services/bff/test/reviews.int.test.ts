// AI reviews in the admin pages against a real profiles process: reviews recorded the way the
// reviewer records them (RecordReview), then read back through the list, its filters and sorts,
// the user page, "Review now", the CSV export, the live stream and the overview.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createProfilesClient } from '@ue/profiles-client';
import {
  ActionOwner,
  EventKind,
  ReviewState,
  Sentiment,
  SentimentTrend,
  UserSort,
} from '@ue/proto';
import { createProfilesApi, type ProfilesApi } from '../src/clients/profiles.js';
import { fakeProfiles } from './fake-profiles.js';
import { BASE, buildHarness, Client, type Harness } from './harness.js';
import {
  reviewerClient,
  startProfiles,
  webhookClient,
  type ProfilesProcess,
  type ReviewContent,
} from './stack.js';

const hx = (c: Client) => ({ 'X-CSRF-Token': c.csrf, 'HX-Request': 'true' });
const names = (html: string): string[] =>
  [...html.matchAll(/class="user-link" dir="auto">([^<]+)<\/a>/g)].map((m) => m[1]!);

describe('review filters reach ListUsers', () => {
  it('sends score below, negative sentiment, open action items, review pending and the score sort', async () => {
    const profiles = fakeProfiles();
    const h = await buildHarness(profiles);
    const c = new Client(h.app);
    await c.login();
    const qs = 'score_below=75&sentiment=negative&open_actions=1&review_pending=1&sort=score_desc';
    const want = {
      scoreBelow: 75,
      sentiments: [Sentiment.NEGATIVE],
      hasOpenActionItems: true,
      reviewPending: true,
      sort: UserSort.SCORE_DESC,
    };
    for (const path of [`/users?${qs}`, `/users/rows?${qs}`, `/export/users.csv?${qs}`]) {
      const res = await c.request(`${BASE}${path}`, { headers: { 'HX-Request': 'true' } });
      expect(res.status, path).toBe(200);
      await res.text();
      expect(profiles.requests.listUsers.at(-1), path).toMatchObject(want);
    }
    // The form shows what the URL asked for, and the export link carries it along.
    const page = await (await c.request(`${BASE}/users?${qs}`)).text();
    expect(page).toContain('<option value="75" selected="">Below 75</option>');
    expect(page).toMatch(/name="sentiment" value="negative" checked=""/);
    expect(page).toMatch(/name="open_actions" value="1" checked=""/);
    expect(page).toMatch(/name="review_pending" value="1" checked=""/);
    expect(page).toContain('<option value="score_desc" selected="">Highest score first');
    expect(page).toContain(`href="${BASE}/export/users.csv?${qs.replace(/&/g, '&amp;')}"`);
    // Nothing outside the offered choices gets through to profiles.
    await (await c.request(`${BASE}/users?score_below=0&sentiment=x&sort=score`)).text();
    const last = profiles.requests.listUsers.at(-1)!;
    expect(last).not.toHaveProperty('scoreBelow');
    expect(last).toMatchObject({ sentiments: [], sort: UserSort.LAST_ACTIVITY_DESC });
    await h.close();
  });

  it('"Review now" needs a session and the CSRF token before it calls RequestReview', async () => {
    const profiles = fakeProfiles();
    const h = await buildHarness(profiles);
    const anon = new Client(h.app);
    expect((await anon.request(`${BASE}/users/u1/review`, { method: 'POST' })).status).toBe(401);
    const c = new Client(h.app);
    await c.login();
    const noToken = await c.request(`${BASE}/users/u1/review`, {
      method: 'POST',
      headers: { 'HX-Request': 'true' },
    });
    expect(noToken.status).toBe(403);
    expect(profiles.calls).not.toContain('requestReview');
    const ok = await c.request(`${BASE}/users/u1/review`, { method: 'POST', headers: hx(c) });
    expect(ok.status).toBe(200);
    expect(profiles.calls).toContain('requestReview');
    expect(await ok.text()).toContain('Review requested.');
    await h.close();
  });
});

describe('reviews over real profiles', () => {
  let profiles: ProfilesProcess;
  let api: ProfilesApi;
  let h: Harness;
  let c: Client;
  let hook: ReturnType<typeof webhookClient>;
  let reviewer: ReturnType<typeof reviewerClient>;
  const ids: Record<string, string> = {};

  const review = (who: string, content: ReviewContent) => reviewer.record(ids[who]!, content);
  const criteria = (answered: number, speed: number, tone: number) => [
    { key: 'answered_questions', score: answered, weight: 40, measured: false, reason: 'Asked.' },
    { key: 'response_time', score: speed, weight: 30, measured: true, reason: 'Measured.' },
    { key: 'tone', score: tone, weight: 30, measured: false, reason: 'Polite.' },
  ];

  beforeAll(async () => {
    profiles = await startProfiles('bff_reviews');
    api = createProfilesApi(
      createProfilesClient({ addr: profiles.addr, token: profiles.bffToken }),
    );
    hook = webhookClient(profiles.addr, profiles.testToken);
    reviewer = reviewerClient(profiles.addr, profiles.testToken);
    const people: [string, string, string][] = [
      ['vera', '4915100000001', 'Vera Verärgert'],
      ['mila', '4915100000002', 'Mila Mittel'],
      ['gustav', '4915100000003', 'Gustav Glücklich'],
      ['paula', '4915100000004', 'Paula Pending'],
    ];
    for (const [key, waId, name] of people) {
      await hook.inbound({ waId, name, text: `Hello from ${name}` });
      ids[key] = (await api.listUsers({ query: name })).users[0]!.id;
    }
    await review('vera', {
      state: ReviewState.FAILED,
      error: 'model timed out after 60 s',
      provider: 'local',
      model: 'qwen2.5-3b',
    });
    // (4×40 + 3×30 + 6×30) / 10 = 43, capped at 30 by the unanswered questions.
    await review('vera', {
      summary:
        '<script>alert("rv")</script> Customer asked twice about a refund and got no answer. The agent promised a call.',
      conversationLanguage: 'de',
      topics: ['refund', '<b>billing</b>'],
      sentiment: Sentiment.NEGATIVE,
      sentimentTrend: SentimentTrend.WORSENING,
      actionItems: [
        { text: 'Call the customer back about the refund', owner: ActionOwner.HUMAN },
        { text: 'Send the refund form', owner: ActionOwner.AGENT },
      ],
      criteria: criteria(4, 3, 6),
      signals: {
        firstResponseMs: 5_400_000,
        unansweredQuestions: 2,
        failedDeliveries: 1,
        humanTakeovers: 0,
        inboundMessages: 1,
        outboundMessages: 0,
        scoreCap: 30,
        capReasons: ['2 customer questions were never answered'],
      },
      provider: 'local',
      model: 'qwen2.5-3b',
    });
    // (7×40 + 6×30 + 6×30) / 10 = 64.
    await review('mila', {
      summary: '=HYPERLINK("http://evil.example","x") Mostly fine. One question left open.',
      sentiment: Sentiment.NEUTRAL,
      sentimentTrend: SentimentTrend.STABLE,
      actionItems: [{ text: 'Answer the open question', owner: ActionOwner.AGENT }],
      criteria: criteria(7, 6, 6),
      signals: {
        unansweredQuestions: 1,
        failedDeliveries: 0,
        humanTakeovers: 0,
        inboundMessages: 1,
        outboundMessages: 0,
        scoreCap: 100,
        capReasons: [],
      },
    });
    // 9 everywhere: 90.
    await review('gustav', {
      summary: 'Everything answered quickly. The customer thanked the agent.',
      sentiment: Sentiment.POSITIVE,
      sentimentTrend: SentimentTrend.IMPROVING,
      criteria: criteria(9, 9, 9),
      signals: {
        firstResponseMs: 40_000,
        medianResponseMs: 50_000,
        unansweredQuestions: 0,
        failedDeliveries: 0,
        humanTakeovers: 0,
        inboundMessages: 1,
        outboundMessages: 0,
        scoreCap: 100,
        capReasons: [],
      },
    });
    // A message after Gustav's review: his review is due an update.
    await hook.inbound({ waId: '4915100000003', name: 'Gustav Glücklich', text: 'One more thing' });
    h = await buildHarness(api);
    c = new Client(h.app);
    await c.login();
  });
  afterAll(async () => {
    hook?.close();
    reviewer?.close();
    api?.close();
    await h?.close();
    await profiles?.stop();
  });

  it('lists each user with score, sentiment and headline, or "review pending"', async () => {
    const html = await (await c.request(`${BASE}/users`)).text();
    const row = (name: string) => {
      const start = html.lastIndexOf('<tr class="user-row">', html.indexOf(name));
      return html.slice(start, html.indexOf('</tr>', start));
    };
    const vera = row('Vera Verärgert');
    expect(vera).toContain('<span class="score score-bad" title="Quality score 30 of 100 (poor)">');
    expect(vera).toContain('negative</span>');
    expect(vera).toContain('2 open actions');
    expect(vera).toContain('local model');
    expect(vera).toContain(
      '&lt;script&gt;alert(&quot;rv&quot;)&lt;/script&gt; Customer asked twice about a refund and got no answer.',
    );
    expect(vera).not.toContain('The agent promised a call.');
    expect(html).not.toContain('<script>alert("rv")');
    expect(row('Mila Mittel')).toContain('title="Quality score 64 of 100 (fair)"');
    const gustav = row('Gustav Glücklich');
    expect(gustav).toContain('title="Quality score 90 of 100 (good)"');
    expect(gustav).toContain('update pending');
    expect(gustav).not.toContain('local model');
    expect(row('Paula Pending')).toContain('review pending');
    expect(row('Paula Pending')).not.toContain('class="score');
  });

  it('filters by score, negative sentiment, open action items and pending review', async () => {
    const rows = async (qs: string) => {
      const res = await c.request(`${BASE}/users/rows?${qs}`, {
        headers: { 'HX-Request': 'true' },
      });
      return { names: names(await res.text()).sort(), url: res.headers.get('hx-replace-url') };
    };
    expect(await rows('score_below=50')).toEqual({
      names: ['Vera Verärgert'],
      url: `${BASE}/users?score_below=50`,
    });
    expect((await rows('score_below=75')).names).toEqual(['Mila Mittel', 'Vera Verärgert']);
    expect((await rows('sentiment=negative')).names).toEqual(['Vera Verärgert']);
    expect((await rows('open_actions=1')).names).toEqual(['Mila Mittel', 'Vera Verärgert']);
    expect((await rows('review_pending=1')).names).toEqual(['Paula Pending']);
    expect((await rows('score_below=90&sentiment=negative&open_actions=1')).names).toEqual([
      'Vera Verärgert',
    ]);
  });

  it('sorts by score both ways, page by page, leaving unreviewed users out', async () => {
    const small = await buildHarness(api, { pageSizes: { users: 1, messages: 10 } });
    const sc = new Client(small.app);
    await sc.login();
    const walk = async (sort: string): Promise<string[]> => {
      const seen: string[] = [];
      let html = await (await sc.request(`${BASE}/users?sort=${sort}`)).text();
      for (;;) {
        seen.push(...names(html));
        const next = /<tr class="more" hx-get="([^"]+)"/.exec(html)?.[1]?.replace(/&amp;/g, '&');
        if (!next) return seen;
        expect(next).toContain(`sort=${sort}`);
        html = await (await sc.request(next, { headers: { 'HX-Request': 'true' } })).text();
      }
    };
    expect(await walk('score_asc')).toEqual(['Vera Verärgert', 'Mila Mittel', 'Gustav Glücklich']);
    expect(await walk('score_desc')).toEqual(['Gustav Glücklich', 'Mila Mittel', 'Vera Verärgert']);
    await small.close();
  });

  it('shows the review on the user page: summary, criteria, measured signals and cap, history', async () => {
    const html = await (await c.request(`${BASE}/users/${ids.vera}`)).text();
    const section = html.slice(html.indexOf('<section id="review"'), html.indexOf('id="facts"'));
    expect(section).toContain('Reviewed by a local model — check it against the measured signals.');
    expect(section).toContain(
      '&lt;script&gt;alert(&quot;rv&quot;)&lt;/script&gt; Customer asked twice about a refund and got no answer. The agent promised a call.',
    );
    expect(section).not.toContain('<script>');
    expect(section).toContain('Conversation in German (de)');
    expect(section).toContain('<li class="tag" dir="auto">&lt;b&gt;billing&lt;/b&gt;</li>');
    expect(section).toMatch(
      /Owed by the <\/span>human<\/span> <span dir="auto">Call the customer back/,
    );
    expect(section).toContain(
      'The criteria add up to 43; the measured signals cap the score at 30',
    );
    expect(section).toMatch(
      /<th scope="row">Response time<\/th><td data-label="Score">3\/10<\/td><td data-label="Weight">30%<\/td><td data-label="Source"><span class="source source-measured">measured<\/span>/,
    );
    expect(section).toContain('<dt>First response</dt><dd>1.5 h</dd>');
    expect(section).toContain('<li dir="auto">2 customer questions were never answered</li>');
    expect(section).toContain('<dt>Model</dt><dd>qwen2.5-3b</dd>');
    expect(section).toContain('<dt>Prompt version</dt><dd>review-v1</dd>');
    expect(section).toContain('Earlier reviews and attempts (1)');
    expect(section).toContain('model timed out after 60 s');
  });

  it('before any review says when it comes, and "Review now" asks profiles for one', async () => {
    const page = await (await c.request(`${BASE}/users/${ids.paula}`)).text();
    expect(page).toContain(
      'Review pending — conversations are reviewed about 10 minutes after their last message.',
    );
    expect(page).toContain(`hx-post="${BASE}/users/${ids.paula}/review" hx-target="#review"`);
    const abort = new AbortController();
    const watch = reviewer.watch(
      { userId: ids.paula, kinds: [EventKind.REVIEW_REQUESTED] },
      abort.signal,
    );
    const feed = watch[Symbol.asyncIterator]();
    const next = async () => {
      const r = await feed.next();
      if (r.done) throw new Error('watch ended');
      return r.value;
    };
    // A heartbeat first: the watch is live, so the request below cannot be missed.
    expect((await next()).heartbeat).toBe(true);
    const res = await c.request(`${BASE}/users/${ids.paula}/review`, {
      method: 'POST',
      headers: hx(c),
    });
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(html).toMatch(/^<section id="review"/);
    expect(html).toContain('Review requested.');
    let ev = await next();
    while (ev.heartbeat) ev = await next();
    expect(ev).toMatchObject({ kind: EventKind.REVIEW_REQUESTED, userId: ids.paula });
    abort.abort();
  });

  it('exports the review columns, with a formula-like headline defused', async () => {
    const csv = await (await c.request(`${BASE}/export/users.csv?sort=score_asc`)).text();
    const [header, ...lines] = csv.trim().split('\n');
    expect(header).toMatch(
      /,review_score,review_sentiment,review_headline,review_open_action_items,reviewed_at$/,
    );
    expect(lines).toHaveLength(3);
    expect(lines[0]).toMatch(
      /,30,negative,"<script>alert\(""rv""\)<\/script> Customer asked twice about a refund and got no answer\.",2,\d{4}-\d\d-\d\dT[\d:.]+Z$/,
    );
    expect(lines[1]).toMatch(
      /,64,neutral,"'=HYPERLINK\(""http:\/\/evil\.example"",""x""\) Mostly fine\.",1,/,
    );
    const all = await (await c.request(`${BASE}/export/users.csv?review_pending=1`)).text();
    expect(all.trim().split('\n')[1]).toMatch(/Paula Pending.*,,,,,$/);
  });

  it('replaces the review section on an open page when a review is recorded', async () => {
    const res = await c.request(`${BASE}/users/${ids.gustav}/events`, {
      headers: { accept: 'text/event-stream' },
    });
    const reader = res.body!.getReader();
    const dec = new TextDecoder();
    let buf = '';
    const readUntil = async (needle: string): Promise<void> => {
      while (!buf.includes(needle)) {
        const { value, done } = await reader.read();
        if (done) throw new Error(`stream ended before ${needle}: ${buf}`);
        buf += dec.decode(value);
      }
    };
    await readUntil('event: heartbeat');
    await review('gustav', {
      summary: 'Second look: <i>still</i> fine.',
      sentiment: Sentiment.POSITIVE,
      sentimentTrend: SentimentTrend.STABLE,
      criteria: criteria(8, 8, 8),
      signals: {
        unansweredQuestions: 0,
        failedDeliveries: 0,
        humanTakeovers: 0,
        inboundMessages: 2,
        outboundMessages: 0,
        scoreCap: 100,
        capReasons: [],
      },
    });
    await readUntil('Second look: &lt;i&gt;still&lt;/i&gt; fine.');
    const block = buf.slice(buf.lastIndexOf('event: review-updated'));
    expect(block).toContain(
      '<section id="review" class="card review" aria-labelledby="review-h" hx-swap-oob="true">',
    );
    expect(block).toContain('title="Quality score 80 of 100 (good)"');
    expect(block).toContain('Earlier reviews and attempts (1)');
    await reader.cancel();
  });

  it('shows score bands, sentiment mix and reviewed vs pending on the overview', async () => {
    const page = await (await c.request(`${BASE}/overview`)).text();
    const html = page.slice(page.indexOf('<section aria-labelledby="quality-h">'));
    expect(html).toContain('<h2 id="quality-h">Conversation quality</h2>');
    expect(html).toMatch(
      /<span class="tile-v">3<\/span><span class="tile-k">Reviewed conversations/,
    );
    expect(html).toMatch(/<span class="tile-v">1<\/span><span class="tile-k">Review pending/);
    expect(html).toContain('<title>30–39 · Users: 1</title>');
    expect(html).toContain('<title>60–69 · Users: 1</title>');
    expect(html).toContain('<title>80–89 · Users: 1</title>');
    expect(html).toContain('<title>Negative: 1</title>');
    expect(html).toMatch(/Mean score: \d+<\/title>/);
  });
});
