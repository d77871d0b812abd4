import { describe, expect, it } from 'vitest';
import {
  type DeviceFamily,
  deviceFamilies,
  isDeviceFamily,
  resolvePolicies,
} from '../../src/machines/deviceFamilies.ts';

describe('device family table', () => {
  it.each([
    ['desktop', { exclusivity: false, inactivityTimeout: false, sharedLifetime: true }],
    ['mobile', { exclusivity: true, inactivityTimeout: true, sharedLifetime: false }],
    ['other', { exclusivity: true, inactivityTimeout: false, sharedLifetime: false }],
  ] as const)('%s enforces the documented sub-policies', (family, expected) => {
    expect(deviceFamilies[family]).toEqual(expected);
    expect(resolvePolicies(family)).toEqual(expected);
  });

  it('is frozen', () => {
    expect(Object.isFrozen(deviceFamilies)).toBe(true);
    expect(Object.isFrozen(deviceFamilies.mobile)).toBe(true);
  });

  it('returns a fresh object the caller may change', () => {
    const resolved = resolvePolicies('mobile');
    resolved.exclusivity = false;
    expect(deviceFamilies.mobile.exclusivity).toBe(true);
  });

  it('applies each override on its own', () => {
    expect(resolvePolicies('desktop', { exclusivity: true })).toEqual({
      exclusivity: true,
      inactivityTimeout: false,
      sharedLifetime: true,
    });
    expect(resolvePolicies('mobile', { inactivityTimeout: false })).toEqual({
      exclusivity: true,
      inactivityTimeout: false,
      sharedLifetime: false,
    });
    expect(resolvePolicies('other', { sharedLifetime: true, exclusivity: undefined })).toEqual({
      exclusivity: true,
      inactivityTimeout: false,
      sharedLifetime: true,
    });
  });

  it('refuses an unknown family, quoting it', () => {
    expect(() => resolvePolicies('tablet' as DeviceFamily)).toThrow(TypeError);
    expect(() => resolvePolicies('tablet' as DeviceFamily)).toThrow('got `tablet`');
    expect(() => resolvePolicies('constructor' as DeviceFamily)).toThrow('got `constructor`');
  });

  it('refuses unknown policy names and non-boolean overrides', () => {
    expect(() => resolvePolicies('mobile', { loudness: true } as never)).toThrow('`loudness`');
    expect(() => resolvePolicies('mobile', { exclusivity: 'yes' } as never)).toThrow('got `yes`');
    expect(() => resolvePolicies('mobile', 7 as never)).toThrow('got `7`');
  });

  it('recognises family names', () => {
    expect(isDeviceFamily('other')).toBe(true);
    expect(isDeviceFamily('toString')).toBe(false);
    expect(isDeviceFamily(undefined)).toBe(false);
  });
});
