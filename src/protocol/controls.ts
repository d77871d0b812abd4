/**
 * The controls contract: the system media transport controls' shapes that cross a boundary.
 *
 * @packageDocumentation
 */
import { z } from './zod.js';

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

/**
 * What became of a request handed to the controls: `delivered` to the app's listeners,
 * `ignored` (the controls or the button are disabled), or `unhandled` (no listener).
 */
export const deliveryOutcomes = ['delivered', 'ignored', 'unhandled'] as const;
/** Schema of a {@link DeliveryOutcome}. */
export const DeliveryOutcomeSchema = z.enum(deliveryOutcomes);
/** What became of a request handed to the controls. */
export type DeliveryOutcome = z.infer<typeof DeliveryOutcomeSchema>;
