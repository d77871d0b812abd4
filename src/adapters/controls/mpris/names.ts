/** The object path every MPRIS player is exported at. */
export const MPRIS_OBJECT_PATH = '/org/mpris/MediaPlayer2';

/** The bus name prefix shared by every Backbeat player. */
const MPRIS_BUS_NAME_PREFIX = 'org.mpris.MediaPlayer2.backbeat.';

/** The longest bus name D-Bus accepts. */
const MAX_BUS_NAME_LENGTH = 255;

/**
 * Turns any id into one valid bus name element: characters other than ASCII letters, digits and
 * `_` become `_`, a leading digit gets a `_` in front, and the result is cut so that the whole
 * bus name stays within 255 characters.
 *
 * @throws TypeError when `id` is not a string.
 * @example
 * ```ts
 * sanitizeBusNameElement('my app.2'); // 'my_app_2'
 * sanitizeBusNameElement('42');       // '_42'
 * ```
 */
export function sanitizeBusNameElement(id: string): string {
  if (typeof id !== 'string') {
    throw new TypeError(`MPRIS id must be a string, got \`${String(id)}\``);
  }
  let element = id.replace(/[^A-Za-z0-9_]/g, '_');
  if (element === '') element = '_';
  if (/^[0-9]/.test(element)) element = `_${element}`;
  return element.slice(0, MAX_BUS_NAME_LENGTH - MPRIS_BUS_NAME_PREFIX.length);
}

/**
 * The bus name a Backbeat player with this id owns: `org.mpris.MediaPlayer2.backbeat.<id>`, the
 * id sanitised with {@link sanitizeBusNameElement}. `playerctl -p backbeat.<id>` finds it.
 *
 * @example
 * ```ts
 * mprisBusName('music'); // 'org.mpris.MediaPlayer2.backbeat.music'
 * ```
 */
export function mprisBusName(id: string): string {
  return MPRIS_BUS_NAME_PREFIX + sanitizeBusNameElement(id);
}
