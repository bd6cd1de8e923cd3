// Views derived from a message's order-independent stored form: the current reaction of each
// reactor, the visible text with its edit history, and the one-line preview of a conversation.
// Stored forms are written in any order (ADR 0008); these views make them read the same.

export interface ReactionSlot {
  emoji: string;
  /** "<ISO time>|<wamid>": orders one reactor's reactions by provider time. */
  key: string;
}

/** Reactions still shown (a removal is an empty emoji), oldest first. */
export function currentReactions<R extends ReactionSlot>(
  slots: Record<string, R> | undefined,
): R[] {
  return Object.values(slots ?? {})
    .filter((r) => r.emoji !== '')
    .sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
}

export interface EditVersion {
  text: string;
  editedAt: Date;
  editWamid: string;
}

export interface EditStep {
  previousText: string;
  editedAt: Date;
  editWamid: string;
}

/** The text after every edit (undefined when never edited) and each edit with the text it replaced. */
export function editHistory(
  originalText: string,
  versions: readonly EditVersion[],
): { text: string | undefined; edits: EditStep[] } {
  const ordered = [...versions].sort(
    (a, b) =>
      a.editedAt.getTime() - b.editedAt.getTime() ||
      (a.editWamid < b.editWamid ? -1 : a.editWamid > b.editWamid ? 1 : 0),
  );
  if (ordered.length === 0) return { text: undefined, edits: [] };
  let previous = originalText;
  const edits = ordered.map((v) => {
    const step = { previousText: previous, editedAt: v.editedAt, editWamid: v.editWamid };
    previous = v.text;
    return step;
  });
  return { text: previous, edits };
}

export const PREVIEW_CODE_POINTS = 160;
export const REVOKED_PREVIEW = '[deleted]';

/** The first non-empty candidate, cut to PREVIEW_CODE_POINTS code points (never inside a pair). */
export function previewText(candidates: readonly (string | undefined)[]): string {
  const text = candidates.find((c) => c !== undefined && c !== '') ?? '';
  return [...text].slice(0, PREVIEW_CODE_POINTS).join('');
}
