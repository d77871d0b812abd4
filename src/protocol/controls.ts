/**
 * The controls contract: the system media transport controls' shapes that cross a boundary.
 *
 * @packageDocumentation
 */
import * as z from 'zod/mini';

/** Every system media transport control button, in WinRT enum order. */
export const systemMediaTransportControlsButtons = [
  'play',
  'pause',
  'stop',
  'record',
  'fastForward',
  'rewind',
  'next',
  'previous',
  'channelUp',
  'channelDown',
] as const;

/** Schema of a system media transport control button. */
export const SmtcButtonSchema = z.enum(systemMediaTransportControlsButtons);

/** A system media transport control button (SystemMediaTransportControlsButton). */
export type SystemMediaTransportControlsButton = z.infer<typeof SmtcButtonSchema>;
