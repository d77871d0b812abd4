/**
 * The device-family table of the background audio system policies: which sub-policies the
 * system enforces on which kind of device.
 */

/** The kinds of device Backbeat can imitate. */
export type DeviceFamily = 'desktop' | 'mobile' | 'other';

/** The three background audio sub-policies, each enforced (`true`) or not. */
export interface SystemPolicies {
  /** At most one background audio task on the device; a new one cancels the old. */
  exclusivity: boolean;
  /** A task idle (foreground not visible, player not playing) for too long is cancelled. */
  inactivityTimeout: boolean;
  /** Foreground shutdown shuts the task down; never the reverse. */
  sharedLifetime: boolean;
}

/** Per-policy overrides of the table; a missing entry keeps the family's value. */
export type PolicyOverrides = Partial<SystemPolicies>;

const policyNames = ['exclusivity', 'inactivityTimeout', 'sharedLifetime'] as const;

/**
 * Which sub-policies each device family enforces: Desktop shares the foreground's lifetime
 * only; Mobile enforces exclusivity and the inactivity timeout; other non-Desktop families
 * enforce exclusivity only.
 *
 * @example
 * ```ts
 * deviceFamilies.mobile.inactivityTimeout; // true
 * deviceFamilies.desktop.exclusivity; // false
 * ```
 */
export const deviceFamilies: Readonly<Record<DeviceFamily, Readonly<SystemPolicies>>> =
  Object.freeze({
    desktop: Object.freeze({ exclusivity: false, inactivityTimeout: false, sharedLifetime: true }),
    mobile: Object.freeze({ exclusivity: true, inactivityTimeout: true, sharedLifetime: false }),
    other: Object.freeze({ exclusivity: true, inactivityTimeout: false, sharedLifetime: false }),
  });

/**
 * Tells whether a value names a device family of the table.
 */
export function isDeviceFamily(value: unknown): value is DeviceFamily {
  return typeof value === 'string' && Object.hasOwn(deviceFamilies, value);
}

/**
 * The policies in force for a device family, after applying overrides. Throws a `TypeError`
 * quoting the bad value for an unknown family, an unknown policy name or a non-boolean
 * override.
 */
export function resolvePolicies(family: DeviceFamily, overrides?: PolicyOverrides): SystemPolicies {
  if (!isDeviceFamily(family)) {
    throw new TypeError(
      `Expected a device family ('desktop', 'mobile' or 'other'), got \`${String(family)}\``,
    );
  }
  const resolved: SystemPolicies = { ...deviceFamilies[family] };
  if (overrides === undefined) return resolved;
  if (typeof overrides !== 'object' || overrides === null) {
    throw new TypeError(`Expected policy overrides to be an object, got \`${String(overrides)}\``);
  }
  for (const [name, value] of Object.entries(overrides)) {
    if (!(policyNames as readonly string[]).includes(name)) {
      throw new TypeError(
        `Unknown policy \`${name}\`; expected one of ${policyNames.map((n) => `'${n}'`).join(', ')}`,
      );
    }
    if (value === undefined) continue;
    if (typeof value !== 'boolean') {
      throw new TypeError(`Expected policy \`${name}\` to be a boolean, got \`${String(value)}\``);
    }
    resolved[name as keyof SystemPolicies] = value;
  }
  return resolved;
}
