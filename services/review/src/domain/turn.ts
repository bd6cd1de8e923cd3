// A conversation as the reviewer reads it: who wrote what and when, oldest first.

export type Speaker = 'customer' | 'agent' | 'human';

export interface Turn {
  id: string;
  speaker: Speaker;
  at: Date;
  /** What the message says, as text (media as "[image] caption", etc.). */
  text: string;
  /** An outbound message the provider could not deliver. */
  failed: boolean;
}
